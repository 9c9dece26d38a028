// RUN: the command, its environment and mounts worked out and keyed; on a miss, run by the
// runtime (BuilderDeps.runInRootfs) over an overlay of the parent's layers, its upper dir
// becoming the step's layer.
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { isProxyArg, type RunInstruction, type Stage, type StageScope } from '../dockerfile/index.js';
import type { RunRequest } from './builder.js';
import { stepKey, type BuildState } from './cache.js';
import { sha256Hex } from './content-hash.js';
import type { Executor, StepResult } from './executor.js';
import { sourceState } from './from-step.js';
import { defaultPath } from './image-config.js';
import { mountStubs, removeStubs, snapshotContextSource, snapshotTree, sourceInRoot } from './mounts.js';
import { commandArgv, createdBy } from './steps.js';

/** Output lines kept for a failed RUN's message. */
const lastLines = 6;

export async function runStep(ex: Executor, parent: BuildState, x: RunInstruction, scope: StageScope, stage: Stage): Promise<StepResult> {
  const c = parent.config.config;
  let args: string[];
  const only = x.heredocs[0];
  // `RUN <<EOF` alone with a `#!` line: BuildKit runs the body as a program of its own.
  let script: { name: string; data: string } | undefined;
  if (x.command.form === 'shell' && x.heredocs.length === 1 && only && /^<<-?["']?\w+["']?$/.test(x.command.script.trim())) {
    if (only.data.startsWith('#!')) {
      script = { name: only.name, data: only.data };
      args = [`/dev/pipes/${only.name}`];
    } else {
      // `RUN <<EOF` alone: the body is the script.
      args = [...(c.Shell ?? ['/bin/sh', '-c']), only.data];
    }
  } else if (x.command.form === 'shell' && x.heredocs.length > 0) {
    // Heredocs feeding a command: hand the shell the text as written, bodies included.
    const full = [x.command.script, ...x.heredocs.map((h) => `${h.data}${h.name}`)].join('\n');
    args = [...(c.Shell ?? ['/bin/sh', '-c']), full];
  } else args = commandArgv(x.command, c.Shell);

  const env = scope.runEnv();
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(defaultPath);
  const keyEnv = env.filter((e) => !isProxyArg(e.slice(0, e.indexOf('='))));
  const network = x.network ?? ex.opts.network ?? 'default';
  const hosts = ex.opts.addHosts ?? [];
  const sshSockets = ex.opts.ssh ?? {};
  const mountsKey = x.mounts.map((m) => ({ ...m }));
  // What a `from=` mount shows is part of the key: that stage's (or image's) own key.
  const fromKeys: string[] = [];
  for (const m of x.mounts) if (m.from !== undefined) fromKeys.push((await sourceState(ex, m.from, stage)).key);
  // Secrets: the key holds their ids (in mountsKey), never their content, as BuildKit's does.
  // A required one that was not given fails before anything runs, cache hit or not.
  const secrets = ex.opts.secrets ?? {};
  for (const m of x.mounts) {
    if (m.type === 'ssh' && m.required === true && !((m.id ?? 'default') in sshSockets))
      throw new EngineError(
        'failed_precondition',
        `ssh agent "${m.id ?? 'default'}" is required but was not given (dockui build --ssh ${m.id ?? 'default'}[=SOCKET])`,
        { range: x.range },
      );
    if (m.type === 'secret' && m.required === true && !(m.id! in secrets))
      throw new EngineError(
        'failed_precondition',
        `secret "${m.id}" is required but was not given (dockui build --secret id=${m.id},src=FILE)`,
        { range: x.range },
      );
  }
  const key = stepKey(parent.key, [
    'run',
    args,
    keyEnv,
    c.User ?? '',
    c.WorkingDir ?? '',
    network,
    x.security ?? 'sandbox',
    mountsKey,
    fromKeys,
    // Only when given, so that the keys of builds without --add-host stay as they were.
    ...(hosts.length > 0 ? [hosts.map((h) => `${h.host}:${h.ip}`)] : []),
  ]);
  const hit = await ex.lookup(key);
  if (hit) return { state: hit, cached: true };
  if (ex.cacheSources.length > 0 && !ex.opts.noCache) {
    const { matchStep } = await import('./cache-from.js');
    const src = await matchStep(ex.store, ex.cacheSources, parent, createdBy(x.text, true), key);
    if (src) {
      ex.cache.put(src);
      return { state: src, cached: true };
    }
  }

  await ex.lease();
  const runIn = ex.deps.runInRootfs;
  if (!runIn)
    throw new EngineError('failed_precondition', 'RUN needs the container runtime, which is not available here', { range: x.range });
  const cfg = parent.config;
  if (cfg.architecture) {
    // A stage FROM another platform's image: its programs cannot run here (no emulation).
    const { formatPlatform, hostPlatform, normalizePlatform, platformMatches } = await import('../registry/platform.js');
    const stagePlatform = normalizePlatform({
      os: cfg.os ?? 'linux',
      architecture: cfg.architecture,
      ...(cfg.variant ? { variant: cfg.variant } : {}),
    });
    const host = hostPlatform();
    if (!platformMatches({ os: host.os, architecture: host.architecture }, stagePlatform))
      throw new EngineError(
        'failed_precondition',
        `RUN in a ${formatPlatform(stagePlatform)} stage cannot run on this ${formatPlatform(host)} host (no emulation)`,
        {
          range: x.range,
        },
      );
  }

  const mounts: RunRequest['mounts'][number][] = [];
  // Secret files live in a private dir for this RUN only, removed as soon as it ends.
  let secretDir: string | undefined;
  const fromMounts: { state: BuildState; source: string; target: string; readonly: boolean }[] = [];
  for (const m of x.mounts) {
    switch (m.type) {
      case 'cache': {
        const id = m.id ?? m.target;
        const dir = join(ex.deps.root, 'build-cache', 'mounts', sha256Hex(id).slice(0, 32));
        mkdirSync(dir, { recursive: true, mode: m.mode ?? 0o755 });
        mounts.push({ type: 'bind', source: dir, target: m.target, readonly: false });
        break;
      }
      case 'tmpfs':
        // A fresh dir of this build's scratch (gone with it, also after a SIGKILL: leftovers.ts).
        mounts.push({ type: 'bind', source: ex.newDir('tmpfs'), target: m.target, readonly: false });
        break;
      case 'bind': {
        if (m.from !== undefined) {
          // Bound from another stage or an image: its merged rootfs is mounted for the run below.
          fromMounts.push({
            state: await sourceState(ex, m.from, stage),
            source: m.source ?? '/',
            target: m.target,
            readonly: m.readonly,
          });
          break;
        }
        // Resolved in the context and copied: the RUN never sees (or writes) the context itself.
        const src = snapshotContextSource(ex.ctx, m.source ?? '.', ex.newDir('bind'), x.range, ex.signal);
        mounts.push({ type: 'bind', source: src, target: m.target, readonly: m.readonly });
        break;
      }
      case 'secret': {
        const value = secrets[m.id!];
        if (value === undefined) break; // not required and not given: no mount, no variable (BuildKit)
        if (m.env !== undefined) env.push(`${m.env}=${Buffer.from(value).toString('utf8')}`);
        if (!m.target) break;
        if (secretDir === undefined) {
          secretDir = ex.newDir('secrets');
          chmodSync(secretDir, 0o700);
        }
        const file = join(secretDir, String(mounts.length));
        writeFileSync(file, value, { mode: 0o600 });
        chownSync(file, m.uid ?? 0, m.gid ?? 0);
        chmodSync(file, m.mode ?? 0o400);
        mounts.push({ type: 'bind', source: file, target: m.target, readonly: true });
        break;
      }
      case 'ssh': {
        // The agent's socket itself, bound in; the first one is SSH_AUTH_SOCK (as BuildKit's).
        const sock = sshSockets[m.id ?? 'default'];
        if (sock === undefined) break; // not required and not given: no mount
        mounts.push({ type: 'bind', source: sock, target: m.target, readonly: false });
        if (!env.some((e) => e.startsWith('SSH_AUTH_SOCK='))) env.push(`SSH_AUTH_SOCK=${m.target}`);
        break;
      }
    }
  }

  if (script) {
    const dir = ex.newDir('heredoc');
    writeFileSync(join(dir, script.name), script.data, { mode: 0o755 });
    mounts.push({ type: 'bind', source: dir, target: '/dev/pipes', readonly: true });
  }
  const upper = ex.newDir('upper');
  const work = ex.newDir('work');
  const lowerDirs = [...parent.config.rootfs.diff_ids].reverse().map((d) => ex.store.layerPath(d));
  const stubs = mountStubs(
    lowerDirs,
    mounts.map((m) => m.target),
  );
  const tail: string[] = [];
  let lastErr: string | undefined;
  const index = ex.currentStep;
  const onOutput = (stream: 'stdout' | 'stderr', line: string) => {
    tail.push(line);
    if (tail.length > lastLines) tail.shift();
    if (stream === 'stderr' && line.trim() !== '') lastErr = line;
    ex.opts.onOutput?.(index, stream, line);
    ex.deps.events?.emit('build.output', { buildId: ex.buildId, index, stream, line });
  };
  let exitCode: number;
  const { withRootfs } = await import('./rootfs.js');
  const withFromMounts = async (i: number): Promise<{ exitCode: number }> => {
    const fm = fromMounts[i];
    if (!fm) {
      return runIn({
        lowerDirs,
        upperDir: upper,
        workDir: work,
        args,
        env,
        ...(c.User ? { user: c.User } : {}),
        cwd: c.WorkingDir || '/',
        network,
        ...(hosts.length > 0 ? { hosts } : {}),
        mounts,
        ...(ex.signal ? { signal: ex.signal } : {}),
        onOutput,
      });
    }
    return withRootfs(ex.store, fm.state.config.rootfs.diff_ids, ex.scratch, async (root) => {
      if (!root) throw new EngineError('not_found', `RUN --mount source not found: ${fm.source}`, { range: x.range });
      const inside = sourceInRoot(root, fm.source, x.range);
      // rw: the step writes to a throw-away copy, never to the store's layers.
      const src = fm.readonly ? inside : snapshotTree(inside, ex.newDir('bind'), ex.signal);
      mounts.push({ type: 'bind', source: src, target: fm.target, readonly: fm.readonly });
      return withFromMounts(i + 1);
    });
  };
  try {
    ({ exitCode } = await withFromMounts(0));
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (secretDir !== undefined) rmSync(secretDir, { recursive: true, force: true });
  }
  if (exitCode !== 0) {
    // The last error line says most; stdout and stderr interleave in no fixed order.
    const last = lastErr ?? tail.filter((l) => l.trim() !== '').slice(-1)[0];
    throw new EngineError(
      'failed_precondition',
      `RUN failed with exit code ${exitCode}${last !== undefined ? `: ${last.trim().slice(0, 200)}` : ''}`,
      { range: x.range, cause: { exitCode, lastLines: tail } },
    );
  }
  removeStubs(upper, stubs);
  return { state: await ex.commitLayer(parent, key, upper, createdBy(x.text, true)), cached: false };
}
