/**
 * `dashport embed DASHBOARD [--filter k=v ...] [--expires 7d]`: print a signed URL that embeds a
 * dashboard in an `<iframe>` with some filter values locked (SPEC §9). The signing code is
 * imported only when the command runs, like every other command's.
 */
import { Command, Option } from 'commander';
import { EMBED_DEFAULT_EXPIRES } from '../auth/embed-expiry.js';
import type { EmbedFlags } from './create-embed-link.js';

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

/** The `embed` command, for the dispatcher. */
export function createEmbedCommand(): Command {
  return new Command('embed')
    .exitOverride()
    .description('print a signed URL that embeds DASHBOARD in an <iframe> with locked filters')
    .argument('<dashboard>', 'id of a dashboard (its file name in the dashboards dir)')
    .addOption(
      new Option('--filter <column=value>', 'lock a filter value (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option('--expires <duration>', 'lifetime: s, m, h or d, at most 365d').default(
        EMBED_DEFAULT_EXPIRES,
      ),
    )
    .action(async (dashboard: string, flags: EmbedFlags) => {
      await (await import('./create-embed-link.js')).embed(dashboard, flags);
    });
}
