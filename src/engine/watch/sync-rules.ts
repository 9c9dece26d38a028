import { readFile } from '../util/fsa.js';
import { join, posix } from 'node:path';
import { EngineError } from '../define.js';

/**
 * Sync rules live in DIR/dockui.json, next to the Dockerfile:
 *
 *   { "sync": [ { "src": "www", "dest": "/www", "restart": false } ] }
 *
 * A changed file under `src` (relative to DIR) is copied to the same relative place under
 * `dest` inside the running container instead of rebuilding; `restart: true` restarts the
 * container afterwards. Changes outside every rule rebuild. Flags (`--sync SRC:DEST[:restart]`)
 * add rules for scripts. Why a file: the rules belong to the app, like compose's `develop`.
 */
export interface SyncRule {
  readonly src: string; // normalized, relative to DIR, no trailing slash ('' = whole dir)
  readonly dest: string; // absolute path in the container
  readonly restart: boolean;
}

export const syncFileName = 'dockui.json';

function normalizeRule(raw: unknown, where: string): SyncRule {
  if (typeof raw !== 'object' || raw === null) throw new EngineError('invalid_argument', `${where}: a sync rule must be an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r.src !== 'string' || typeof r.dest !== 'string')
    throw new EngineError('invalid_argument', `${where}: a sync rule needs "src" and "dest" strings`);
  if (!r.dest.startsWith('/')) throw new EngineError('invalid_argument', `${where}: sync "dest" must be an absolute path: ${r.dest}`);
  const src = posix
    .normalize(r.src.replace(/\\/g, '/'))
    .replace(/^\.\/?/, '')
    .replace(/\/+$/, '');
  if (src.startsWith('..') || src.startsWith('/'))
    throw new EngineError('invalid_argument', `${where}: sync "src" must stay inside the folder: ${r.src}`);
  return { src: src === '.' ? '' : src, dest: posix.normalize(r.dest), restart: r.restart === true };
}

export function parseSyncFlag(spec: string): SyncRule {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || (parts[2] !== undefined && parts[2] !== 'restart'))
    throw new EngineError('invalid_argument', `invalid --sync "${spec}": expected SRC:DEST[:restart]`);
  return normalizeRule({ src: parts[0], dest: parts[1], restart: parts[2] === 'restart' }, '--sync');
}

export async function loadSyncRules(dir: string): Promise<SyncRule[]> {
  const file = join(dir, syncFileName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EngineError('invalid_argument', `${file}: not valid JSON: ${(e as Error).message}`);
  }
  const sync = (json as { sync?: unknown }).sync;
  if (sync === undefined) return [];
  if (!Array.isArray(sync)) throw new EngineError('invalid_argument', `${file}: "sync" must be an array`);
  return sync.map((r, i) => normalizeRule(r, `${file}: sync[${i}]`));
}

/** The rule a changed path (relative to DIR, posix) falls under, and where it lands in the container. */
export function matchSync(rules: readonly SyncRule[], rel: string): { rule: SyncRule; dest: string } | undefined {
  for (const rule of rules) {
    if (rule.src === '') return { rule, dest: posix.join(rule.dest, rel) };
    if (rel === rule.src) return { rule, dest: rule.dest };
    if (rel.startsWith(rule.src + '/')) return { rule, dest: posix.join(rule.dest, rel.slice(rule.src.length + 1)) };
  }
  return undefined;
}
