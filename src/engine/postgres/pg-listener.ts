/**
 * LISTEN on the notify channel, for tables whose trigger NOTIFYs on change: one dedicated
 * connection (outside the read-only pool), dropped quietly on any error and opened again by
 * the next `ensure()` once the database is reachable.
 */
import pg from 'pg';
import { quoteIdent } from '../sql/identifiers.js';

export interface PgListenerOptions {
  readonly url: string;
  readonly channel: string;
  /** Called for every notification on the channel. */
  readonly onNotify: () => void;
}

export interface PgListener {
  /** Listens if it is not listening already; never throws. */
  ensure(): Promise<void>;
  close(): Promise<void>;
}

export function createPgListener(options: PgListenerOptions): PgListener {
  let client: pg.Client | undefined;
  let closed = false;
  return {
    async ensure() {
      if (client !== undefined || closed) return;
      const next = new pg.Client({
        connectionString: options.url,
        application_name: 'dashport-listen',
      });
      const drop = () => {
        if (client === next) client = undefined;
      };
      next.on('error', drop);
      next.on('end', drop);
      next.on('notification', () => options.onNotify());
      try {
        await next.connect();
        await next.query(`LISTEN ${quoteIdent(options.channel)}`);
        client = next;
      } catch {
        await next.end().catch(() => undefined);
      }
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
