// `dockui search [OPTIONS] [REGISTRY/]TERM`: docker's verb (its flags, table, --format fields and
// filters) over the engine's registry search, which reads a registry's catalog as podman's
// search does (docker's asks Docker Hub's search service, which a registry does not have).
// `--list-tags REGISTRY/REPO` is podman's: the repository's tags, NAME and TAG.
import { EngineError } from '../../engine/define.js';
import { parseFilterArgs, type SearchResult } from '../../engine/index.js';
import { flagError } from '../args.js';
import { defineVerb, type CliContext } from '../context.js';
import { searchColumns, searchTagColumns } from '../template/columns.js';
import { printRows } from '../template/index.js';
import { ellipsis } from './list-format.js';

/** docker's searchContext: its methods' strings ("[OK]" or "" for the booleans). */
function searchRow(r: SearchResult, trunc: boolean): Record<string, unknown> {
  const desc = r.description.replace(/[\r\n]/g, ' ');
  return {
    Name: r.name,
    Description: trunc ? ellipsis(desc, 45) : desc,
    StarCount: String(r.starCount),
    IsOfficial: r.isOfficial ? '[OK]' : '',
    IsAutomated: r.isAutomated ? '[OK]' : '',
  };
}

/** What the registry sent that the results leave out, said on stderr. */
function notices(ctx: CliContext, r: { readonly refused: number; readonly truncated: boolean }, what: string): void {
  if (r.refused)
    ctx.stderr.write(
      `dockui: left out ${r.refused} ${r.refused === 1 ? 'entry' : 'entries'} of ${what} that ${r.refused === 1 ? 'is' : 'are'} not valid\n`,
    );
  if (r.truncated) ctx.stderr.write(`dockui: ${what} is longer than dockui reads (100000 names in 500 pages): the rest was not searched\n`);
}

export const verb = defineVerb({
  name: 'search',
  synopsis: '[OPTIONS] TERM',
  summary: 'Search the Docker Hub for images',
  flags: {
    filter: { short: 'f', value: true, multi: true, type: 'filter', help: 'Filter output based on conditions provided' },
    format: { value: true, help: 'Pretty-print search using a Go template' },
    limit: { value: true, type: 'int', help: 'Max number of search results (default 25)' },
    'list-tags': { help: 'List the tags of the input registry' },
    'no-trunc': { help: "Don't truncate output" },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', '"dockui search" requires exactly 1 argument.');
    let limit: number | undefined;
    if (flags.limit !== undefined) {
      if (!/^[+-]?\d+$/.test(flags.limit))
        throw flagError(
          `invalid argument ${JSON.stringify(flags.limit)} for "--limit" flag: strconv.ParseInt: parsing ${JSON.stringify(flags.limit)}: invalid syntax`,
        );
      limit = Number(flags.limit);
    }
    const filters = parseFilterArgs(flags.filter ?? []);
    const term = positionals[0]!;
    const format = flags.format ?? 'table';
    if (flags['list-tags']) {
      if (filters.size) throw new EngineError('invalid_argument', 'filters are not applicable to list tags result');
      const r = await ctx.engine.registry.listTags(term, { ...(limit !== undefined ? { limit } : {}), signal: ctx.signal });
      notices(ctx, r, `the tags of ${r.name}`);
      return printRows(
        ctx,
        format,
        r.tags.map((tag) => ({ Name: r.name, Tag: tag })),
        searchTagColumns,
      );
    }
    const r = await ctx.engine.registry.search(term, { ...(limit !== undefined ? { limit } : {}), filters, signal: ctx.signal });
    notices(ctx, r, r.registry === 'docker.io' ? "Docker Hub's reply" : `the catalog of ${r.registry}`);
    // docker's CLI orders by stars, most first (a catalog's hits have none: they keep their order).
    const rows = [...r.results].sort((a, b) => b.starCount - a.starCount).map((x) => searchRow(x, !flags['no-trunc']));
    return printRows(ctx, format, rows, searchColumns);
  },
});
