/** Entry point of the web app: renders the router into #root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { initEmbedToken } from './api/embed-token.js';
import { preloadPage } from './api/preload.js';
import { loadEcharts } from './charts/load-echarts.js';
import './styles.css';

// Start what the first page needs before React renders: its data, and the chart library on
// every page but home.
initEmbedToken(window.location.pathname, window.location.search);
preloadPage(window.location.pathname, window.location.search);
if (!['', '/signin'].includes(window.location.pathname.replace(/\/+$/, '')))
  void loadEcharts().catch(() => undefined);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
