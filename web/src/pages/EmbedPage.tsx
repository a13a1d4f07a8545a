/**
 * A dashboard embedded in another site's page through a signed link (`/embed/<id>?embed_token=…`,
 * made by `dashport embed`): the dashboard alone, without the app's header or links out, its
 * locked filters shown read-only and the others usable as on the dashboard page.
 */
import { useEffect, useMemo } from 'react';
import { api } from '../api/client.js';
import { embedClaims, embedToken } from '../api/embed-token.js';
import { useResource } from '../api/use-resource.js';
import { loadEcharts } from '../charts/load-echarts.js';
import { DashboardView } from './DashboardPage.js';

export interface EmbedPageProps {
  readonly id: string;
  readonly search: string;
}

function EmbedMessage({ title, text }: { readonly title: string; readonly text: string }) {
  return (
    <main className="page page--embed" id="main">
      <h1>{title}</h1>
      <p className="panel-message panel-message--error" role="alert" data-embed-error="">
        {text}
      </p>
    </main>
  );
}

export function EmbedPage({ id, search }: EmbedPageProps) {
  useEffect(() => void loadEcharts().catch(() => undefined), []);
  const token = embedToken();
  const claims = useMemo(() => (token === undefined ? undefined : embedClaims(token)), [token]);
  const definition = useResource(`embed:${id}`, (signal) => api.dashboard(id, signal));

  useEffect(() => {
    document.title = definition.data?.title ?? id;
  }, [definition.data?.title, id]);

  if (definition.error) {
    const expired = claims?.expiresAt !== undefined && claims.expiresAt <= Date.now();
    return (
      <EmbedMessage
        title={id}
        text={
          expired
            ? 'This embed link has expired; ask for a new one.'
            : `This dashboard cannot be shown: ${definition.error.message}`
        }
      />
    );
  }
  if (!definition.data) return <main className="page page--loading" id="main" aria-busy="true" />;
  return (
    <DashboardView
      definition={definition.data}
      search={search}
      locked={claims?.filters ?? {}}
      embedded
    />
  );
}
