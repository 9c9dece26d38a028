// `dockui events`: docker events' words, filters and line format, over the event log that every
// dockui process appends to (engine system.events; container, image and network events): past events from --since, then live ones
// until --until or Ctrl-C.
import { EngineError } from '../../engine/define.js';
import type { DockerEvent } from '../../engine/index.js';
import { defineVerb } from '../context.js';
import { parseTemplate, render, TemplateError } from '../template/index.js';

/** docker's timestamps: RFC 3339 (or a date), Unix seconds (with a fraction), or a duration ago (10m, 1h30m). */
export function parseTimestamp(s: string, flag: string, now = Date.now()): number {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) {
    let ms = 0;
    for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * units[m[2]!]!;
    return now - ms;
  }
  const d = Date.parse(t);
  if (Number.isNaN(d))
    throw new EngineError(
      'invalid_argument',
      `invalid value for ${flag}: ${JSON.stringify(s)}: use a timestamp, Unix seconds or a duration (10m)`,
    );
  return d;
}

function matches(e: DockerEvent, filters: Map<string, string[]>): boolean {
  for (const [k, vs] of filters) {
    const a = e.Actor.Attributes;
    const ok = vs.some((v) => {
      switch (k) {
        case 'type':
          return e.Type === v;
        case 'event':
          return e.Action === v;
        case 'container':
          return e.Type === 'container' && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || a.name === v);
        case 'network':
          return e.Type === 'network' && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || a.name === v);
        case 'image':
          return e.Type === 'image' ? a.name === v || e.Actor.ID === v : a.image === v || (a.image ?? '').endsWith(`/${v}`);
        default:
          return false;
      }
    });
    if (!ok) return false;
  }
  return true;
}

const pad9 = (n: number) => String(n).padStart(9, '0');

/** docker's line: "TIME TYPE ACTION ID (k=v, ...)", TIME as RFC 3339 with 9 fraction digits. */
export function eventLine(e: DockerEvent): string {
  const ms = Math.floor(e.timeNano / 1e6);
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
  const attrs = Object.keys(e.Actor.Attributes)
    .sort()
    .map((k) => `${k}=${e.Actor.Attributes[k]}`);
  return `${iso}.${pad9(e.timeNano % 1e9)}Z ${e.Type} ${e.Action} ${e.Actor.ID}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

export const verb = defineVerb({
  name: 'events',
  synopsis: '[OPTIONS]',
  summary: 'Get real time events from the server',
  flags: {
    filter: { short: 'f', value: true, multi: true, type: 'filter', help: 'Filter output based on conditions provided' },
    format: { value: true, help: 'Format the output using the given Go template' },
    since: { value: true, help: 'Show all events created since timestamp' },
    until: { value: true, help: 'Stream events until this timestamp' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length) throw new EngineError('invalid_argument', `"dockui events" accepts no arguments.`);
    const now = Date.now();
    const sinceMs = flags.since !== undefined ? parseTimestamp(flags.since, '--since', now) : flags.until === undefined ? now : undefined;
    const untilMs = flags.until !== undefined ? parseTimestamp(flags.until, '--until', now) : undefined;
    const filters = new Map<string, string[]>();
    for (const f of flags.filter ?? []) {
      const i = f.indexOf('=');
      const k = f.slice(0, i);
      if (i <= 0 || !['type', 'event', 'container', 'image', 'network'].includes(k))
        throw new EngineError('invalid_argument', `invalid filter '${i <= 0 ? f : k}'`);
      filters.set(k, [...(filters.get(k) ?? []), f.slice(i + 1)]);
    }
    let template;
    if (flags.format !== undefined && flags.format !== 'json') {
      try {
        template = parseTemplate(flags.format);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        ctx.stderr.write(`dockui: template parsing error: ${e.message}\n`);
        return 64;
      }
    }
    const follow = untilMs === undefined || untilMs > now;
    for await (const e of ctx.engine.system.events({
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      ...(untilMs !== undefined ? { untilMs } : {}),
      follow,
      signal: ctx.signal,
    })) {
      if (!matches(e, filters)) continue;
      const line = flags.format === 'json' ? JSON.stringify(e) : template ? render(template, e) : eventLine(e);
      ctx.stdout.write(`${line}\n`);
    }
    // Ctrl-C ends a stream: not an error, as docker's.
    return 0;
  },
});
