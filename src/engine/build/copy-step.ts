// COPY and ADD as steps: sources selected and hashed for the key, the copy made into a fresh
// upper dir (copy.ts), incrementally over the last build of the same COPY when that pays.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { EngineError, isEngineError, type SourceRange } from '../define.js';
import type { AddInstruction, CopyInstruction, Stage } from '../dockerfile/index.js';
import { stateOf, stepKey, type BuildState } from './cache.js';
import { parseChmod, type Chmod } from './chmod.js';
import { sha256Hex } from './content-hash.js';
import type { ContextEntry } from './context.js';
import { copyInto, dirTree, selectSources, writeDataFile, type Selection, type SourceTree } from './copy.js';
import type { PlannedLayer } from './copy-plan.js';
import type { Executor, StepResult } from './executor.js';
import { sourceState } from './from-step.js';
import { createdBy, resolveDest } from './steps.js';
import { trace } from './trace.js';

/**
 * ROOT/build-cache/copy-index/<key>.json: what the last build of one COPY (same parent, same
 * sources as written, same flags) produced — its result's cache key, its layers above the
 * parent, and one record per path ("type:mode:content-or-target:mtime:uid:gid"). A rebuild
 * after a small change writes only the difference as one more layer over those (a delta,
 * whiteouts included); a bigger change, or a chain grown to `maxDeltaChain` layers, writes a
 * full layer again, hardlinking the unchanged files out of the old ones.
 */
interface CopyIndex {
  readonly resultKey: string;
  readonly chain: readonly string[];
  readonly records: Record<string, string>;
}

const maxDeltaChain = 4;
/** A delta is worth it while it holds at most this share of the copy's entries. */
const maxDeltaShare = 0.25;

export async function copyStep(ex: Executor, parent: BuildState, x: CopyInstruction | AddInstruction, stage: Stage): Promise<StepResult> {
  const range = x.range;
  const dest = resolveDest(parent.config.config.WorkingDir, x.dest === '' ? '/' : x.dest);
  const urls = x.kind === 'add' ? x.sources.filter((s) => /^https?:\/\//i.test(s)) : [];
  const localSources = x.sources.filter((s) => !urls.includes(s));
  const fromRef = x.kind === 'copy' ? x.from : undefined;

  // Where the sources live, and the identity that goes into the key.
  let fromState: BuildState | undefined;
  let fromId: string;
  if (fromRef !== undefined) {
    fromState = await sourceState(ex, fromRef, stage);
    fromId = fromState.key;
  } else fromId = 'context';

  // Context sources are keyed by their content; another stage's by that stage's key.
  let ctxSelections: Selection[] | undefined;
  const sourceKeys: unknown[] = [];
  if (fromState === undefined && localSources.length > 0) {
    ctxSelections = selectSources(ex.ctx, localSources, { exclude: x.exclude, range, ...(ex.signal ? { signal: ex.signal } : {}) });
    for (const s of ctxSelections) sourceKeys.push([s.pattern, s.rel, ex.hasher.digestOf(s.items, ex.signal)]);
  } else sourceKeys.push(localSources);
  const downloads: { url: string; data: Buffer; mtime?: Date }[] = [];
  if (x.kind === 'copy' && x.parents) throw new EngineError('invalid_argument', 'COPY --parents is not supported', { range });
  if (x.kind === 'add' && x.checksum !== undefined && (urls.length !== 1 || localSources.length > 0))
    throw new EngineError('invalid_argument', 'ADD --checksum needs exactly one http(s) source', { range });
  for (const u of urls) downloads.push(await fetchUrl(u, range, ex.signal));
  if (x.kind === 'add' && x.checksum !== undefined) {
    const want = x.checksum.replace(/^sha256:/, '');
    const got = sha256Hex(downloads[0]!.data);
    if (want !== got)
      throw new EngineError('failed_precondition', `ADD ${urls[0]}: checksum mismatch: expected sha256:${want}, got sha256:${got}`, {
        range,
      });
  }
  for (const d of downloads) sourceKeys.push([d.url, sha256Hex(d.data)]);

  const key = stepKey(parent.key, [
    x.kind,
    dest,
    fromId,
    sourceKeys,
    x.heredocs.map((h) => [h.name, h.data]),
    x.chown ?? null,
    x.chmod ?? null,
    x.exclude,
    x.kind === 'add' ? (x.unpack ?? null) : null,
    parent.config.config.WorkingDir ?? '',
  ]);
  trace('copy: sources selected and hashed');
  const hit = await ex.lookup(key);
  if (hit) return { state: hit, cached: true };

  await ex.lease();
  // The last build of this same COPY (same parent, sources, flags): the unchanged part is reused.
  const indexKey = stepKey(parent.key, ['copy-index', x.kind, dest, localSources, x.chown ?? null, x.chmod ?? null, x.exclude]);
  const incremental = ctxSelections !== undefined && x.heredocs.length === 0 && downloads.length === 0 && x.kind === 'copy';
  const previous = incremental ? await copyIndex(ex, indexKey) : undefined;
  const records: Record<string, string> = {};
  const upper = ex.newDir('upper');
  // Files written from the content read when hashing them: the layer takes them from here too.
  const written = new Map<string, Buffer>();
  const parentDiffs = parent.config.rootfs.diff_ids;
  let delta: { base: BuildState; chain: readonly string[] } | undefined;
  // The plain case's layer, planned in memory (copy-plan.ts): taken as is when the store has it,
  // else written out from the plan (its tar is the blob).
  let planned: Planned | undefined;
  const plannable =
    ctxSelections?.length === 1 && x.kind === 'copy' && x.heredocs.length === 0 && x.chown === undefined && x.chmod === undefined;
  // Loaded only when a COPY misses the cache (they pull in the native helper).
  const [{ resolveChown, withRootfs }, { S_IFCHR, sysx }] = await Promise.all([import('./rootfs.js'), import('../sysx.js')]);
  await withRootfs(ex.store, parentDiffs, ex.scratch, async (parentRoot) => {
    const chown = x.chown !== undefined ? resolveChown(parentRoot, x.chown) : undefined;
    const chmod = x.chmod !== undefined ? chmodOf(x.chmod, range) : undefined;
    const base = {
      parentRoot,
      ...(chown ? { chown } : {}),
      ...(chmod !== undefined ? { chmod } : {}),
      range,
      ...(ex.signal ? { signal: ex.signal } : {}),
    };
    if (ctxSelections) {
      const recordOf = (e: ContextEntry, o: { uid: number; gid: number }): string => {
        const what = e.type === 'file' ? ex.hasher.fileHash(e) : e.type === 'symlink' ? readlinkSync(join(ex.ctx.dir, e.rel), 'utf8') : '';
        const mode = e.type === 'symlink' ? 0o777 : chmod ? chmod(e.mode & 0o7777, e.type === 'dir') : e.mode;
        return `${e.type}:${mode}:${what}:${e.mtimeNs}:${o.uid}:${o.gid}`;
      };
      const copyOpts = {
        ...base,
        dest,
        keepOwners: false,
        extractArchives: x.kind === 'add' && x.unpack !== false,
        contentOf: (e: ContextEntry) => ex.hasher.contentOf(e),
        written,
      };
      await copyInto(upper, ex.ctx, ctxSelections, { ...copyOpts, dryRun: true, onEntry: (p, e, o) => (records[p] = recordOf(e, o)) });
      if (plannable && !previous) {
        planned = await planLayer(ex, ctxSelections[0]!, dest, parentRoot);
        if (planned) {
          if (!planned.stored) (await import('./copy-plan.js')).materialize(planned.plan, upper);
          return;
        }
      }
      let only: Set<string> | undefined;
      const gone: string[] = [];
      if (previous && previous.chain.length < maxDeltaChain) {
        const changed = Object.keys(records).filter((p) => previous.records[p] !== records[p]);
        for (const p of Object.keys(previous.records))
          if (!(p in records) && !(posix.dirname(p) in previous.records && !(posix.dirname(p) in records))) gone.push(p);
        const total = Object.keys(records).length;
        // A whiteout needs its directory in the delta: when that is outside the copy, write it all.
        const placeable = gone.every((g) => posix.dirname(g) in records);
        if (placeable && changed.length + gone.length <= Math.max(1, total * maxDeltaShare)) {
          only = new Set<string>();
          // each changed path and its parents inside the copy, so that the delta can hold it
          for (const p of [...changed, ...gone.map((g) => posix.dirname(g))]) {
            for (let q = p; q in records && !only.has(q); q = posix.dirname(q)) only.add(q);
          }
          delta = { base: previous.state, chain: previous.chain };
        }
      }
      await copyInto(upper, ex.ctx, ctxSelections, {
        ...copyOpts,
        ...(only ? { only } : {}),
        reuse: (destPath) => (previous?.records[destPath] === records[destPath] ? previous?.find(destPath) : undefined),
      });
      // Deleted since the last build: whiteouts (overlay format) in the delta.
      if (only) for (const g of gone) sysx().mknod(join(upper, g), S_IFCHR, 0, 0);
    } else if (fromState && localSources.length > 0) {
      await withRootfs(ex.store, fromState.config.rootfs.diff_ids, ex.scratch, async (fromRoot) => {
        if (!fromRoot) throw new EngineError('not_found', `COPY --from=${fromRef}: the source is empty`, { range });
        const tree: SourceTree = dirTree(
          fromRoot,
          localSources.map((s) => s.replace(/^\/+/, '')),
        );
        const sel = selectSources(tree, localSources, { exclude: x.exclude, range, ...(ex.signal ? { signal: ex.signal } : {}) });
        await copyInto(upper, tree, sel, { ...base, dest, keepOwners: true, extractArchives: false });
      });
    }
    for (const h of x.heredocs) {
      const path = dest.endsWith('/') ? `${dest}${h.name}` : dest;
      written.delete(posix.normalize(path));
      writeDataFile(upper, parentRoot, path, h.data, { mode: chmod ? chmod(0o644, false) : 0o644, ...(chown ? { chown } : {}) });
    }
    for (const d of downloads) {
      const name = decodeURIComponent(new URL(d.url).pathname.split('/').pop() || 'download');
      const path = dest.endsWith('/') ? `${dest}${name}` : dest;
      written.delete(posix.normalize(path));
      writeDataFile(upper, parentRoot, path, d.data, {
        mode: chmod ? chmod(0o600, false) : 0o600,
        ...(chown ? { chown } : {}),
        ...(d.mtime ? { mtime: d.mtime } : {}),
      });
    }
  });
  trace(
    planned?.stored
      ? 'copy: its layer is in the store already, nothing written'
      : `copy: files written${delta ? ' (delta)' : planned ? ' (planned)' : ''}`,
  );
  // Copies carry no xattrs (ADD's tar extraction may).
  const below = delta ? delta.base : parent;
  const state = planned
    ? await ex.commitPlanned(parent, key, upper, createdBy(x.text, true), planned)
    : await ex.commitLayer(below, key, upper, createdBy(x.text, true), x.kind === 'add', (rel) => written.get(`/${rel}`));
  if (incremental) {
    const own = state.config.rootfs.diff_ids.slice(parentDiffs.length);
    if (own.length > 0) saveCopyIndex(ex, indexKey, { resultKey: key, chain: own, records });
  }
  return { state, cached: false };
}

/** A COPY's layer planned in memory (copy-plan.ts), compressed, and whether the store has it. */
export interface Planned {
  readonly plan: PlannedLayer;
  readonly gz: Buffer;
  readonly digest: string;
  readonly stored: boolean;
}

/** The plan of copying `sel` to `dest` over `parentRoot`, when this COPY is one a plan can tell exactly. */
async function planLayer(ex: Executor, sel: Selection, dest: string, parentRoot: string | undefined): Promise<Planned | undefined> {
  const { planCopyLayer, compressPlanned } = await import('./copy-plan.js');
  const clean = posix.normalize(dest).replace(/\/$/, '') || '/';
  const plan = planCopyLayer(sel, clean, parentRoot, ex.ctx.dir, (e) => ex.hasher.contentOf(e));
  if (!plan) return undefined;
  const { gz, digest } = compressPlanned(plan);
  return { plan, gz, digest, stored: await ex.store.hasLayer(plan.diffId) };
}

/** The last build of a COPY, when its result and every layer of it are still there. */
async function copyIndex(
  ex: Executor,
  indexKey: string,
): Promise<
  { state: BuildState; chain: readonly string[]; records: Record<string, string>; find: (p: string) => string | undefined } | undefined
> {
  if (ex.opts.noCache) return undefined;
  let idx: CopyIndex;
  try {
    idx = JSON.parse(readFileSync(join(ex.deps.root, 'build-cache', 'copy-index', `${indexKey.slice(7)}.json`), 'utf8')) as CopyIndex;
  } catch {
    return undefined;
  }
  const entry = ex.cache.get(idx.resultKey);
  if (!entry || typeof idx.chain !== 'object' || typeof idx.records !== 'object') return undefined;
  for (const d of entry.layers) if (!(await ex.store.hasLayer(d))) return undefined;
  for (const b of entry.blobs) if (!(await ex.store.hasBlob(b))) return undefined;
  const dirs = [...idx.chain].reverse().map((d) => ex.store.layerPath(d));
  // The topmost layer of the chain holding a regular file at p (a whiteout or nothing: no).
  const find = (p: string): string | undefined => {
    for (const d of dirs) {
      try {
        const st = lstatSync(join(d, p));
        return st.isFile() ? join(d, p) : undefined;
      } catch {
        /* not in this layer */
      }
    }
    return undefined;
  };
  return { state: stateOf(entry), chain: idx.chain, records: idx.records, find };
}

function saveCopyIndex(ex: Executor, indexKey: string, idx: CopyIndex): void {
  const dir = join(ex.deps.root, 'build-cache', 'copy-index');
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${indexKey.slice(7)}.json`);
  writeFileSync(`${p}.${process.pid}.tmp`, JSON.stringify(idx));
  renameSync(`${p}.${process.pid}.tmp`, p);
}

function chmodOf(v: string, range: SourceRange): Chmod {
  try {
    return parseChmod(v);
  } catch (e) {
    throw isEngineError(e) ? new EngineError(e.code, e.message, { range }) : e;
  }
}

async function fetchUrl(url: string, range: SourceRange, signal?: AbortSignal): Promise<{ url: string; data: Buffer; mtime?: Date }> {
  // The registry's transport: same agents and extra CAs (registry/tls-ca.ts), redirects, cancel.
  const { request, readBody } = await import('../registry/http.js');
  let data: Buffer;
  let lastModified: string | undefined;
  try {
    const res = await request(new URL(url), { maxRedirects: 10, ...(signal ? { signal } : {}) });
    if (res.status < 200 || res.status > 299) {
      res.body.destroy();
      throw new EngineError('unavailable', `ADD ${url}: HTTP ${res.status}`, { range });
    }
    lastModified = res.headers['last-modified'];
    data = await readBody(res, 2 ** 31 - 1, `ADD ${url}`);
  } catch (e) {
    if (signal?.aborted) throw new EngineError('canceled', 'canceled');
    if (isEngineError(e)) throw e.range ? e : new EngineError(e.code, e.message, { range, cause: e });
    throw new EngineError('unavailable', `ADD ${url}: ${(e as Error).message}`, { range, cause: e });
  }
  const mtime = lastModified ? new Date(lastModified) : undefined;
  return { url, data, ...(mtime && !Number.isNaN(mtime.getTime()) ? { mtime } : {}) };
}
