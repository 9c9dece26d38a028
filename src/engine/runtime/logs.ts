// Reading conmon's k8s-file logs: "<RFC3339Nano> <stdout|stderr> <F|P> <text>" per line,
// where P marks a partial line (the process wrote no newline yet) continued by the next ones.
import { open, stat } from '../util/fsa.js';
import { EngineError, type LogLine } from '../define.js';
import { attrLogOpts } from './log-attrs.js';

export interface RawLogLine extends LogLine {
  /** False for a partial line: the text continues in the next entry of the same stream. */
  readonly full: boolean;
}

export function parseLogLine(line: string): RawLogLine | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const flag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return { time: dockerLogTime(line.slice(0, a)), stream, full: flag !== 'P', text: c < 0 ? '' : line.slice(c + 1) };
}

/**
 * conmon's time ("2026-11-28T09:28:59.208611147+00:00", its zone's offset) as dockerd gives a
 * log line's: UTC, nine digits, Z (Go's RFC3339NanoFixed, "2026-11-28T09:28:59.208611147Z").
 */
export function dockerLogTime(t: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return t;
  const frac = `.${(m[2] ?? '').padEnd(9, '0')}Z`;
  if (m[3] === 'Z' || m[3] === '+00:00' || m[3] === '-00:00') return `${m[1]}${frac}`;
  return `${new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19)}${frac}`;
}

/** A log line as the runtime yields it: `partial` when the process wrote no newline (yet). */
export interface StreamLogLine extends LogLine {
  readonly partial?: boolean;
}

/**
 * Joins partial entries into whole lines. With `flush`, a trailing partial line (output that
 * ended without a newline) is returned too, marked partial.
 */
export function joinPartials(raw: readonly RawLogLine[], flush = false): StreamLogLine[] {
  const out: StreamLogLine[] = [];
  const pending: Record<'stdout' | 'stderr', RawLogLine | undefined> = { stdout: undefined, stderr: undefined };
  for (const r of raw) {
    const p = pending[r.stream];
    const merged = p ? { ...p, text: p.text + r.text, full: r.full } : r;
    if (merged.full) {
      out.push({ stream: merged.stream, time: merged.time, text: merged.text });
      pending[r.stream] = undefined;
    } else pending[r.stream] = merged;
  }
  if (flush)
    for (const p of [pending.stdout, pending.stderr]) if (p) out.push({ stream: p.stream, time: p.time, text: p.text, partial: true });
  return out;
}

/** "2026-11-28T09:28:59.208611147Z" → ms since epoch (nanoseconds dropped). */
export function logTimeMs(t: string): number {
  return Date.parse(t.replace(/(\.\d{3})\d+/, '$1'));
}

/** Docker's --since: RFC 3339 date, a Unix timestamp, or a duration ago (10m, 1h30m, 45s). */
export function parseSince(s: string, now = Date.now()): number | undefined {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const dur = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
  if (dur && s !== '') return now - (Number(dur[1] ?? 0) * 3600 + Number(dur[2] ?? 0) * 60 + Number(dur[3] ?? 0)) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Reads the log file from `offset`; returns whole lines and the offset after the last one. */
export async function readLogChunk(path: string, offset: number): Promise<{ lines: RawLogLine[]; offset: number }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return { lines: [], offset };
  }
  try {
    const size = (await fh.stat()).size;
    if (size <= offset) return { lines: [], offset: size < offset ? 0 : offset };
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) return { lines: [], offset };
    const text = buf.subarray(0, end).toString('utf8');
    const lines = text
      .split('\n')
      .map(parseLogLine)
      .filter((l): l is RawLogLine => l !== undefined);
    return { lines, offset: offset + end + 1 };
  } finally {
    await fh.close();
  }
}

/**
 * A byte offset from which at least `n` whole lines follow, found by reading the file backwards,
 * so `logs --tail N` of a large log does not read (and parse) all of it. No partial entry of
 * either stream is pending before it (looking back up to 256 KiB), so the lines from it join like
 * those of a read from 0.
 */
export async function tailOffset(path: string, n: number): Promise<number> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return 0;
  }
  try {
    let end = (await fh.stat()).size;
    let full = 0;
    let cut: number | undefined;
    // Per stream, once a cut is proposed: whether its nearest entry before the cut is known whole.
    let clean = { stdout: false, stderr: false };
    let carry = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - 65536);
      const block = Buffer.alloc(end - start);
      await fh.read(block, 0, block.length, start);
      const buf = Buffer.concat([block, carry]);
      // Entries wholly in buf end at each newline; the text before the first one may be cut.
      let nl = buf.lastIndexOf(0x0a);
      while (nl >= 0) {
        const prev = nl > 0 ? buf.lastIndexOf(0x0a, nl - 1) : -1;
        if (prev < 0 && start > 0) break;
        const r = parseLogLine(buf.subarray(prev + 1, nl).toString('latin1'));
        if (r && cut === undefined) {
          if (r.full && ++full > n) {
            cut = start + nl + 1;
            clean[r.stream] = true;
          }
        } else if (r && !clean[r.stream]) {
          // A partial entry continues past the cut: move the cut before it and look again.
          if (r.full) clean[r.stream] = true;
          else {
            cut = start + prev + 1;
            clean = { stdout: false, stderr: false };
          }
        }
        // A stream silent for 256 KiB before the cut counts as whole there (else a stdout-only log
        // would be read back to its start): at worst a line still partial that long ago shows cut.
        if (cut !== undefined && ((clean.stdout && clean.stderr) || cut - (start + prev + 1) > 1 << 18)) return cut;
        nl = prev;
      }
      carry = nl >= 0 ? buf.subarray(0, nl + 1) : buf;
      end = start;
    }
    return cut ?? 0;
  } finally {
    await fh.close();
  }
}

export { defaultLogMaxSize } from './defaults.js';

/**
 * Docker's `--log-opt max-size=N[k|m|g] --log-opt max-file=M`. conmon's k8s-file keeps one
 * file: when the next entry would pass max-size it starts the file afresh, so the log on disk
 * never exceeds max-size (at most Docker's max-size × max-file); max-file is checked and kept.
 * The attribute options (labels, env, tag, …: log-attrs.ts) come back in `attrs`.
 */
export function parseLogOpts(opts: readonly string[]): {
  maxSize?: number;
  maxFile?: number;
  attrs: Record<string, string>;
  raw: Record<string, string>;
  error?: string;
} {
  const out: { maxSize?: number; maxFile?: number; attrs: Record<string, string>; raw: Record<string, string>; error?: string } = {
    attrs: {},
    raw: {},
  };
  // dockerd takes any value at create and its json-file logger refuses a bad one at every start
  // (kept in `error`, in its words): go-units' FromHumanSize, strconv.Atoi.
  const fail = (why: string) => void (out.error ??= why);
  for (const o of opts) {
    const i = o.indexOf('=');
    const [key, value] = i === -1 ? [o, ''] : [o.slice(0, i), o.slice(i + 1)];
    // inspect's LogConfig.Config keeps each value as given, as dockerd's does (max-size "abc", "1K").
    if (key === 'max-size' || key === 'max-file') out.raw[key] = value;
    if (key === 'max-size') {
      const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
      if (!m) fail(`invalid size: '${value}'`);
      else if (!/^\d+(?:\.\d+)?$/.test(m[1]!)) fail(`strconv.ParseFloat: parsing ${JSON.stringify(m[1])}: invalid syntax`);
      else {
        // dockui's sizes are binary (10m: 10 MiB), as they always were here.
        const n = Math.floor(Number(m[1]) * 1024 ** ' kmgtp'.indexOf((m[2] ?? ' ').toLowerCase()));
        if (n <= 0) fail('max-size must be a positive number');
        else out.maxSize = n;
      }
    } else if (key === 'max-file') {
      if (!/^[+-]?\d+$/.test(value)) fail(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
      else if (Number(value) < 1) fail('max-file cannot be less than 1');
      else out.maxFile = Number(value);
    } else if ((attrLogOpts as readonly string[]).includes(key)) {
      out.attrs[key] = value;
    } else
      throw new EngineError(
        'invalid_argument',
        `unknown log option ${JSON.stringify(key)} (the k8s-file log takes max-size, max-file, ${attrLogOpts.join(', ')})`,
      );
  }
  return out;
}

export async function logSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
