// One process, run to completion in a throw-away container over given layer dirs and a given
// upper dir: what the builder's RUN needs. Nothing outlives the call: no runc state, mount,
// bundle dir or process, also when it fails or is aborted.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from '../util/fsa.js';
import { join } from 'node:path';
import { readline } from '../util/builtin.js';
import { EngineError, throwIfAborted } from '../define.js';
import { mkdirInRoot, resolveInRoot } from '../fsutil/in-root.js';
import type { EnginePaths } from '../paths.js';
import { newId } from './ids.js';
import { OciRuntime, runcMessage } from './oci-runtime.js';
import { mountOverlay, unmount } from './rootfs.js';
import { buildSpec, type OciMount } from './spec.js';
import { resolveUser } from './user.js';

export interface RunInRootfsOptions {
  readonly paths: EnginePaths;
  /** Read-only layer dirs, top layer first. */
  readonly lowerDirs: readonly string[];
  /** Where the process's writes land (an overlay upper dir, on the same filesystem as workDir). */
  readonly upperDir: string;
  /** Overlay's scratch dir: empty, same filesystem as upperDir. */
  readonly workDir: string;
  readonly args: readonly string[];
  /** "K=V" entries; PATH gets Docker's default when missing. */
  readonly env?: readonly string[];
  /** name|uid[:group|gid], resolved in the rootfs's /etc/passwd and /etc/group. */
  readonly user?: string;
  /** Working directory, created when missing (as WORKDIR does). Default "/". */
  readonly cwd?: string;
  /** "host" (default: outbound access through the host's stack) or "none". */
  readonly network?: 'none' | 'host';
  readonly mounts?: readonly { readonly source: string; readonly target: string; readonly readOnly?: boolean }[];
  readonly hostname?: string;
  /** Lines added to /etc/hosts (build --add-host): the host's file (or localhost's lines) and these. */
  readonly hosts?: readonly { readonly host: string; readonly ip: string }[];
  readonly signal?: AbortSignal;
  readonly onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Docker's merge: later "K=V" entries replace earlier ones of the same key, order kept. */
export function mergeEnv(...lists: readonly (readonly string[] | undefined)[]): string[] {
  const out = new Map<string, string>();
  for (const list of lists)
    for (const e of list ?? []) {
      const i = e.indexOf('=');
      const k = i === -1 ? e : e.slice(0, i);
      out.delete(k);
      out.set(k, e);
    }
  const env = [...out.values()];
  if (!out.has('PATH')) env.unshift(defaultPath);
  return env;
}

// Mount points runc creates when the rootfs lacks them; removed again afterwards so they do
// not end up in the layer the builder makes of the upper dir.
const mountPoints = ['proc', 'dev', 'sys', 'etc/resolv.conf', 'etc/hosts'];

/**
 * Runs `args` in a container whose rootfs is overlay(lowerDirs + upperDir) and returns its exit
 * code. stdout/stderr stream line by line through `onOutput`. Aborting `signal` kills the
 * process and rejects with EngineError 'canceled'. Throws 'failed_precondition' when runc is
 * missing and 'invalid_argument' for a bad user.
 */
export async function runInRootfs(opts: RunInRootfsOptions): Promise<{ exitCode: number }> {
  throwIfAborted(opts.signal);
  const runtime = new OciRuntime(join(opts.paths.runRoot, 'runc'));
  const id = `build-${newId().slice(0, 24)}`;
  const bundle = join(opts.paths.runRoot, 'oneshot', id);
  const rootfs = join(bundle, 'rootfs');
  await mkdir(rootfs, { recursive: true });
  let mounted = false;
  let created = false;
  const missing: string[] = [];
  try {
    mountOverlay({ lowerDirs: opts.lowerDirs, upperDir: opts.upperDir, workDir: opts.workDir, target: rootfs });
    mounted = true;
    const network = opts.network ?? 'host';
    const mounts: OciMount[] = [];
    const extraHosts = opts.hosts ?? [];
    if (network === 'host')
      for (const f of ['/etc/resolv.conf', ...(extraHosts.length > 0 ? [] : ['/etc/hosts'])])
        if (existsSync(f) && existsSync(join(rootfs, f)))
          mounts.push({ destination: f, type: 'bind', source: f, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    if (extraHosts.length > 0) {
      // The bundle's own hosts file: the host's (or, without its network, localhost's) and the extra lines.
      const base =
        network === 'host' && existsSync('/etc/hosts')
          ? await readFile('/etc/hosts', 'utf8')
          : '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';
      const file = join(bundle, 'hosts');
      await writeFile(file, `${base}${base.endsWith('\n') ? '' : '\n'}${extraHosts.map((h) => `${h.ip}\t${h.host}\n`).join('')}`);
      mounts.push({ destination: '/etc/hosts', type: 'bind', source: file, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    }
    for (const m of opts.mounts ?? [])
      mounts.push({
        destination: m.target,
        type: 'bind',
        source: m.source,
        options: ['rbind', m.readOnly ? 'ro' : 'rw', 'nosuid', 'nodev'],
      });
    for (const p of [...mountPoints, ...mounts.map((m) => m.destination.replace(/^\/+/, ''))])
      if (!existsSync(join(rootfs, p)) && !missing.includes(p)) missing.push(p);
    const user = await resolveUser(rootfs, opts.user);
    const cwd = opts.cwd || '/';
    mkdirInRoot(rootfs, cwd); // inside the image's tree: an earlier RUN may have made a part of it a link out
    const env = mergeEnv([`HOME=${user.home}`], opts.env);
    const spec = buildSpec({
      rootfs,
      args: opts.args,
      env,
      cwd,
      uid: user.uid,
      gid: user.gid,
      additionalGids: user.additionalGids,
      hostname: opts.hostname ?? 'buildkitsandbox',
      network,
      mounts,
    });
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
    throwIfAborted(opts.signal);
    const exitCode = await new Promise<number>((resolve, reject) => {
      const child = runtime.spawn(['run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
      created = true;
      let stderrTail = '';
      const lines = (stream: 'stdout' | 'stderr', src: NodeJS.ReadableStream) =>
        readline()
          .createInterface({ input: src, crlfDelay: Infinity })
          .on('line', (l) => {
            if (stream === 'stderr') stderrTail = (stderrTail + l + '\n').slice(-2000);
            opts.onOutput?.(stream, l);
          });
      lines('stdout', child.stdout!);
      lines('stderr', child.stderr!);
      const onAbort = () => void runtime.kill(id, 'KILL', { all: true }).catch(() => undefined);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => reject(new EngineError('failed_precondition', `cannot run runc: ${e.message}`, { cause: e })));
      child.on('close', (code, sig) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (opts.signal?.aborted) return reject(new EngineError('canceled', 'canceled'));
        // runc itself failing (bad spec, exec not found) shows as its own error on stderr.
        if (code !== 0 && /level=error/.test(stderrTail))
          return reject(new EngineError('failed_precondition', runcMessage(stderrTail), { cause: stderrTail }));
        resolve(code ?? 128 + (sig ? 9 : 0));
      });
    });
    return { exitCode };
  } finally {
    if (created) await runtime.delete(id, { force: true }).catch(() => undefined);
    if (mounted) unmount(rootfs);
    // Only through real directories of the upper dir: the RUN may have left a link on the way.
    for (const p of missing.reverse())
      if (resolveInRoot(opts.upperDir, `/${p}`) === `/${p.split('/').filter(Boolean).join('/')}`)
        await removeIfEmpty(join(opts.upperDir, p));
    await rm(bundle, { recursive: true, force: true });
  }
}

async function removeIfEmpty(p: string): Promise<void> {
  try {
    const entries = await readdir(p);
    if (entries.length === 0) await rmdir(p);
  } catch (e) {
    // A file (the /etc/hosts placeholder): remove it when empty.
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      const { stat, unlink } = await import('../util/fsa.js');
      const st = await stat(p).catch(() => undefined);
      if (st && st.size === 0) await unlink(p).catch(() => undefined);
    }
  }
}
