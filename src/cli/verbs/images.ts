// `dockui images`, and the table helpers the other image verbs share. On the start-up path of
// the TUI: one read of the records file, one directory listing of containers, nothing else.
import type { ImageSummary } from '../../engine/define.js';
import { EngineError } from '../../engine/define.js';
import { familiarName, parseReference } from '../../engine/index.js';
import { humanDuration, shortId, siSize } from '../../format/units.js';
import type { CliContext } from '../context.js';
import { defineVerb } from '../context.js';
import { flagError } from '../args.js';

/** Docker's human sizes: decimal units, three significant digits ("4.26MB", "135MB"). */
export const humanSize = (n: number): string => siSize(n);

/** Docker's "2 weeks ago". */
export function humanSince(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'N/A';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'N/A';
  return `${humanDuration(now - t, 'since')} ago`;
}

/**
 * Left-aligned columns as docker's tabwriter.NewWriter(out, 10, 1, 3, ' ', 0) sets them: each
 * column but the last as wide as its widest cell plus 3, at least 10.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(10, 3 + Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export interface ImageRow {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly id: string;
  readonly created: string | undefined;
  readonly size: number;
  readonly inUse: number;
}

/** One row per name (and one for an image without a name), as `docker images` lists them. */
export function imageRows(images: readonly ImageSummary[]): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const img of images) {
    const base = { id: img.id, created: img.created, size: img.size, inUse: img.inUse };
    if (img.names.length === 0) rows.push({ ...base, repository: '<none>', tag: '<none>', digest: img.digest });
    for (const n of img.names) {
      const r = parseReference(n);
      rows.push({
        ...base,
        repository: familiarName(r),
        tag: r.digest ? '<none>' : (r.tag ?? '<none>'),
        digest: img.digest,
      });
    }
  }
  return rows;
}

/** Does `filter` ("busybox", "busybox:1", "127.0.0.1:5000/x/*") pick this row? */
function matches(row: ImageRow, filter: string): boolean {
  const colon = filter.lastIndexOf(':');
  const hasTag = colon > filter.lastIndexOf('/');
  const repoPat = hasTag ? filter.slice(0, colon) : filter;
  const tagPat = hasTag ? filter.slice(colon + 1) : undefined;
  const glob = (pat: string, s: string) =>
    new RegExp(
      `^${pat
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '.')}$`,
    ).test(s);
  let repoOk = glob(repoPat, row.repository);
  if (!repoOk && !repoPat.includes('*')) {
    try {
      const r = parseReference(repoPat);
      repoOk = familiarName(r) === row.repository;
    } catch {
      repoOk = false;
    }
  }
  return repoOk && (tagPat === undefined || glob(tagPat, row.tag));
}

export async function listImagesCommand(
  ctx: CliContext,
  flags: { quiet?: boolean; all?: boolean; digests?: boolean; 'no-trunc'?: boolean; format?: string; filter?: string[] },
  positionals: readonly string[],
): Promise<number> {
  if (positionals.length > 1) throw new EngineError('invalid_argument', `'dockui images' takes at most one [REPOSITORY[:TAG]]`);
  let dangling: boolean | undefined;
  const refs: string[] = [];
  for (const f of flags.filter ?? []) {
    // No '=': a flag value docker's flag parser refuses (exit 125); an unknown key exits 1.
    if (!f.includes('='))
      throw flagError(`invalid argument ${JSON.stringify(f)} for "-f, --filter" flag: bad format of filter (expected name=value)`);
    const m = /^(dangling|reference)=(.*)$/.exec(f);
    if (!m)
      throw new EngineError(
        'invalid_argument',
        `unsupported --filter ${JSON.stringify(f)} (supported: dangling=true|false, reference=PATTERN)`,
      );
    if (m[1] === 'reference') refs.push(m[2]!);
    else if (m[2] === 'true' || m[2] === 'false') dangling = m[2] === 'true';
    else throw new EngineError('invalid_argument', `invalid filter 'dangling=${m[2]}': use dangling=true or dangling=false`);
  }
  // docker images shows no container count: no container record is read for one.
  let rows = imageRows(await ctx.engine.images.list({ countUsers: false }));
  if (positionals[0] !== undefined) rows = rows.filter((r) => matches(r, positionals[0]!));
  if (refs.length) rows = rows.filter((r) => refs.some((f) => matches(r, f)));
  if (dangling !== undefined) rows = rows.filter((r) => (r.repository === '<none>') === dangling);
  const id = (x: string) => (flags['no-trunc'] ? x : shortId(x));
  if (flags.format !== undefined && !(flags.quiet && flags.format === 'table')) {
    // Loaded only here: the template engine is not on the plain listing's path.
    const { printImages } = await import('./list-format.js');
    return printImages(ctx, flags.format, rows, { trunc: !flags['no-trunc'], quiet: !!flags.quiet, digests: !!flags.digests });
  }
  if (flags.quiet) {
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      ctx.stdout.write(`${id(r.id)}\n`);
    }
    return 0;
  }
  const header = flags.digests
    ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE']
    : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
  const now = Date.now();
  ctx.stdout.write(
    table(
      header,
      rows.map((r) => [r.repository, r.tag, ...(flags.digests ? [r.digest] : []), id(r.id), humanSince(r.created, now), humanSize(r.size)]),
    ),
  );
  return 0;
}

export const listFlags = {
  all: { short: 'a', help: 'Show all images (default hides intermediate images)' },
  quiet: { short: 'q', help: 'Only show image IDs' },
  digests: { help: 'Show digests' },
  'no-trunc': { help: "Don't truncate output" },
  format: { value: true, help: 'Pretty-print images using a Go template' },
  filter: { short: 'f', value: true, multi: true, type: 'filter', help: 'Filter output based on conditions provided' },
} as const;

export const verb = defineVerb({
  name: 'images',
  synopsis: '[OPTIONS] [REPOSITORY[:TAG]]',
  summary: 'List images',
  flags: listFlags,
  run: (ctx, { flags, positionals }) => listImagesCommand(ctx, flags, positionals),
});
