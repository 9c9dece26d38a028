// WORKDIR: the config's WorkingDir, and the directory made in a layer of its own when missing.
import { chmodSync, lchownSync, lstatSync, mkdirSync, readlinkSync, utimesSync } from 'node:fs';
import { join, posix } from 'node:path';
import { EngineError, type SourceRange } from '../define.js';
import type { Instruction } from '../dockerfile/index.js';
import { stepKey, type BuildState } from './cache.js';
import type { Executor, StepResult } from './executor.js';
import { cloneConfig } from './image-config.js';
import { resolveWorkdir, touch, withoutRange } from './steps.js';

/**
 * WORKDIR sets the config's WorkingDir and, as BuildKit's `llb.Mkdir(wd, 0755, parents, user)`,
 * creates the directory when the image lacks it: missing parts mode 0755, owned by the
 * stage's USER (root when none), in a layer of their own. An existing one makes no layer.
 */
export async function workdirStep(ex: Executor, parent: BuildState, x: Extract<Instruction, { kind: 'workdir' }>): Promise<StepResult> {
  const key = stepKey(parent.key, ['workdir', withoutRange(x)]);
  const hit = await ex.lookup(key);
  if (hit) return { state: hit, cached: true };
  const wd = resolveWorkdir(parent.config.config.WorkingDir, x.path);
  const user = parent.config.config.User;
  const next: BuildState = { ...parent, config: cloneConfig(parent.config) };
  next.config.config.WorkingDir = wd;
  if (wd === '/') {
    touch(next.config, `WORKDIR ${wd}`, true);
    const state: BuildState = { key, config: next.config, layers: parent.layers };
    ex.cache.put(state);
    return { state, cached: false };
  }
  await ex.lease();
  const upper = ex.newDir('upper');
  const { resolveChown, withRootfs } = await import('./rootfs.js');
  await withRootfs(ex.store, parent.config.rootfs.diff_ids, ex.scratch, async (root) => {
    const missing = missingDirs(root, wd, x.range);
    if (missing.length === 0) return;
    const owner = user ? resolveChown(root, user) : { uid: 0, gid: 0 };
    // The existing parents go into the layer as they are (as any layer holds its parents).
    const first = missing[0]!;
    let cur = '';
    for (const part of posix.dirname(first).split('/').filter(Boolean)) {
      cur += `/${part}`;
      const st = lstatSync(join(root!, cur));
      mkdirSync(join(upper, cur));
      chmodSync(join(upper, cur), st.mode & 0o7777);
      lchownSync(join(upper, cur), st.uid, st.gid);
      utimesSync(join(upper, cur), st.atime, st.mtime);
    }
    for (const d of missing) {
      mkdirSync(join(upper, d));
      chmodSync(join(upper, d), 0o755);
      lchownSync(join(upper, d), owner.uid, owner.gid);
    }
  });
  // BuildKit's history names the resolved path.
  const state = await ex.commitLayer(next, key, upper, `WORKDIR ${wd}`);
  return { state, cached: false };
}

/**
 * The directories to create for `dir` (absolute) in the rootfs at `root`, top first, with
 * symlinks on the way resolved inside the rootfs. A part that is not a directory fails.
 */
function missingDirs(root: string | undefined, dir: string, range: SourceRange): string[] {
  const todo = dir.split('/').filter(Boolean);
  let cur = '';
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      cur = posix.dirname(cur === '' ? '/' : cur);
      if (cur === '/') cur = '';
      continue;
    }
    const next = `${cur}/${part}`;
    let st;
    try {
      st = root ? lstatSync(join(root, next)) : undefined;
    } catch {
      st = undefined;
    }
    if (st === undefined) {
      const out = [next];
      for (const p of todo)
        if (p !== '' && p !== '.') out.push(p === '..' ? posix.dirname(out[out.length - 1]!) : `${out[out.length - 1]!}/${p}`);
      return out.filter((p, i, all) => p !== '/' && all.indexOf(p) === i);
    }
    if (st.isSymbolicLink()) {
      if (++hops > 40) throw new EngineError('failed_precondition', `WORKDIR ${dir}: too many levels of symbolic links`, { range });
      const target = readlinkSync(join(root!, next), 'utf8');
      todo.unshift(...target.split('/').filter(Boolean));
      if (target.startsWith('/')) cur = '';
      continue;
    }
    if (!st.isDirectory()) throw new EngineError('failed_precondition', `WORKDIR ${dir}: ${next} is not a directory`, { range });
    cur = next;
  }
  return [];
}
