/** Entry point of the web app: renders the router into #root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { loadEcharts } from './charts/load-echarts.js';
import './styles.css';

// Every page but home draws charts: start fetching the chart library before React renders.
if (window.location.pathname.replace(/\/+$/, '') !== '') void loadEcharts().catch(() => undefined);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
