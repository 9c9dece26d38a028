// `dockui history IMAGE`: the image's config history, newest first, in docker's columns
// (IMAGE, CREATED, CREATED BY, SIZE, COMMENT) and with its --format, -q and --no-trunc.
import { EngineError } from '../../engine/define.js';
import type { ImageHistoryEntry } from '../../engine/index.js';
import * as units from '../../format/units.js';
import { defineVerb } from '../context.js';
import { historyColumns } from '../template/columns.js';
import { printRows } from '../template/index.js';

/** Go's time.Unix(s, 0).Format(time.RFC3339) in local time: "2023-11-14T22:13:20Z". */
function rfc3339(iso: string | undefined): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return '';
  const d = new Date(Math.floor(t / 1000) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${zone}`;
}

/** docker's formatter.Ellipsis. */
function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

function historyRow(h: ImageHistoryEntry, trunc: boolean, human: boolean, now: number): Record<string, unknown> {
  const createdBy = h.createdBy.replace(/\t/g, ' ');
  const since = h.created ? `${units.humanDuration(now - Date.parse(h.created), 'since')} ago` : 'N/A';
  return {
    ID: trunc && h.id !== '<missing>' ? units.shortId(h.id) : h.id,
    CreatedSince: human ? since : rfc3339(h.created),
    CreatedAt: rfc3339(h.created),
    CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
    Size: human ? units.siSize(h.size) : String(h.size),
    Comment: h.comment,
  };
}

export const historyFlags = {
  human: { short: 'H', help: 'Print sizes and dates in human readable format (default true)' },
  'no-trunc': { help: "Don't truncate output" },
  quiet: { short: 'q', help: 'Only show image IDs' },
  format: { value: true, help: 'Pretty-print images using a Go template' },
} as const;

export const verb = defineVerb({
  name: 'history',
  synopsis: '[OPTIONS] IMAGE',
  summary: 'Show the history of an image',
  flags: historyFlags,
  async run(ctx, { flags, positionals }) {
    if (positionals.length !== 1) throw new EngineError('invalid_argument', `'dockui history' requires exactly 1 argument: IMAGE`);
    const human = flags.human !== false;
    let format = flags.format ?? 'table';
    if (flags.quiet && format === 'table') format = '{{.ID}}';
    const rows = await ctx.engine.images.history(positionals[0]!);
    const now = Date.now();
    return printRows(
      ctx,
      format,
      rows.map((r) => historyRow(r, !flags['no-trunc'], human, now)),
      historyColumns,
    );
  },
});
