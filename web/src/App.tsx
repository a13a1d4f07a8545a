/** The app shell: a header, a skip link and the page the URL names. */
import { Link } from './router/Link.js';
import { matchRoute, useLocation } from './router/location.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { DatasetPage } from './pages/DatasetPage.js';
import { EmbedPage } from './pages/EmbedPage.js';
import { HomePage } from './pages/HomePage.js';
import { SignInPage } from './pages/SignInPage.js';
import { SignInNotice } from './components/SignInNotice.js';

function Page() {
  const { pathname, search } = useLocation();
  const route = matchRoute(pathname);
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'dashboard':
      return <DashboardPage key={route.id} id={route.id} search={search} />;
    case 'dataset':
      return <DatasetPage key={route.id} id={route.id} search={search} />;
    case 'embed':
      return <EmbedPage key={route.id} id={route.id} search={search} />;
    case 'signin':
      return <SignInPage search={search} />;
    case 'not-found':
      return (
        <main className="page" id="main">
          <h1>Page not found</h1>
          <p>
            <Link href="/">Go to the dashboards</Link>
          </p>
        </main>
      );
  }
}

export function App() {
  const { pathname, search } = useLocation();
  const route = matchRoute(pathname);
  // An embedded dashboard lives inside another site's page: no header, no links out.
  if (route.page === 'embed') return <EmbedPage key={route.id} id={route.id} search={search} />;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          Dashport
        </Link>
        <nav aria-label="API">
          <a href="/docs">API</a>
        </nav>
      </header>
      <SignInNotice />
      <Page />
    </>
  );
}
