// `docker commit`: a container's changes become a new image — its image's layers plus one layer
// of what the container changed, and a config made from the container's own (moby's
// daemon/commit.go: the run's command, env, user, workdir, labels, ports, healthcheck), with
// `--change` Dockerfile instructions applied on top and one history entry.
// The layer is written from a copy of the overlay upper dir (taken while a running container is
// paused, as Docker pauses by default), without what the runtime itself put there and Docker
// keeps in its init layer (/etc/hosts, /proc, mount points of volumes and binds...). The copy is
// then adopted as the store's layer, as a build step's upper dir is.
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, rmSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, throwIfAborted } from '../define.js';
import type { Instruction } from '../dockerfile/index.js';
import type { OciImageConfig } from '../build/image-config.js';
import type { Containers } from '../runtime/containers.js';
import type { ContainerRecord } from '../runtime/records.js';
import type { Store } from '../store/index.js';
import { parseReference } from '../util/reference.js';

export interface CommitOptions {
  /** REPOSITORY[:TAG]; absent: a dangling image. */
  readonly reference?: string;
  readonly author?: string;
  readonly message?: string;
  /** Dockerfile instructions: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR. */
  readonly changes?: readonly string[];
  /** Pause a running container while its changes are copied (default true, as Docker). */
  readonly pause?: boolean;
  readonly signal?: AbortSignal;
}

export interface CommitResult {
  readonly id: string;
  readonly reference?: string;
}

const allowed = new Set(['cmd', 'entrypoint', 'env', 'expose', 'label', 'onbuild', 'user', 'volume', 'workdir']);
type Change = Extract<Instruction, { kind: 'cmd' | 'entrypoint' | 'env' | 'expose' | 'label' | 'onbuild' | 'user' | 'volume' | 'workdir' }>;

/** The --change lines, parsed and checked before anything is copied. */
async function parseChanges(lines: readonly string[]): Promise<Change[]> {
  const { parseInstruction } = await import('../dockerfile/index.js');
  return lines.map((line) => {
    let x: Instruction;
    try {
      x = parseInstruction(line);
    } catch (e) {
      throw new EngineError('invalid_argument', `invalid --change ${JSON.stringify(line)}: ${(e as Error).message}`);
    }
    if (!allowed.has(x.kind))
      throw new EngineError(
        'invalid_argument',
        `invalid --change ${JSON.stringify(line)}: ${x.kind.toUpperCase()} is not one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR`,
      );
    return x as Change;
  });
}

/** Removes, in `copy`, what the runtime made in the upper dir (Docker's init layer and mount points). */
function dropRuntimeEntries(copy: string, rec: ContainerRecord, lowerHas: (p: string) => boolean): void {
  const files = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/etc/mtab', '/.dockerenv', '/dev/console'];
  for (const f of files) {
    const st = lstatSync(join(copy, f), { throwIfNoEntry: false });
    if (st && !st.isDirectory() && !lowerHas(f)) unlinkSync(join(copy, f));
    else if (st?.isFile() && st.size === 0) unlinkSync(join(copy, f));
    // The init layer's link over an image's own /etc/mtab (runtime/init-layer.ts).
    else if (f === '/etc/mtab' && st?.isSymbolicLink() && readlinkSync(join(copy, f)) === '/proc/mounts') unlinkSync(join(copy, f));
  }
  // Mount points: empty directories nothing but the runtime asked for.
  const points = ['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev', '/proc', '/sys', ...rec.mounts.map((m) => m.destination)];
  for (const p of points.sort((a, b) => b.length - a.length)) {
    const host = join(copy, p);
    const st = lstatSync(host, { throwIfNoEntry: false });
    if (st?.isDirectory() && readdirSync(host).length === 0 && (!lowerHas(p) || p.startsWith('/dev') || p === '/proc' || p === '/sys'))
      rmdirSync(host);
    else if (st?.isFile() && st.size === 0 && !lowerHas(p)) unlinkSync(host);
  }
  // /etc copied up only for the runtime's files: empty now, nothing of the container's own.
  const etc = join(copy, 'etc');
  if (lowerHas('/etc') && lstatSync(etc, { throwIfNoEntry: false })?.isDirectory() && readdirSync(etc).length === 0) rmdirSync(etc);
}

export async function commitContainer(store: Store, rt: Containers, idOrName: string, opts: CommitOptions = {}): Promise<CommitResult> {
  const ref = opts.reference === undefined ? undefined : parseReference(opts.reference);
  if (ref?.digest) throw new EngineError('invalid_argument', `cannot commit to a digest reference: ${opts.reference}`);
  const changes = await parseChanges(opts.changes ?? []);
  const rec = await rt.find(idOrName);
  const resolved = await store.resolveImage(rec.imageId).catch(() => {
    throw new EngineError('failed_precondition', `the image of container ${rec.name} (${rec.imageId.slice(7, 19)}) is gone: cannot commit`);
  });
  const [{ tempPath, publishBlobFile, writeImage }, { writeLayer }, { cloneConfig, mediaTypes, setEnv }, steps] = await Promise.all([
    import('../build/publish.js'),
    import('../build/layer.js'),
    import('../build/image-config.js'),
    import('../build/steps.js'),
  ]);
  const base = JSON.parse((await store.readBlob(rec.imageId)).toString('utf8')) as OciImageConfig;
  const manifest = JSON.parse((await store.readBlob(resolved.record.manifestDigest)).toString('utf8')) as {
    layers?: { mediaType: string; digest: string; size: number }[];
  };

  // Copy the upper dir (whiteouts and overlay xattrs kept), the container paused if running.
  const upper = join(rt.dir(rec.id), 'upper');
  const copy = tempPath(store, 'commit');
  const blob = tempPath(store, 'layer');
  const live = (await rt.reconcile(rec)) ?? rec;
  const pause = live.state === 'running' && opts.pause !== false;
  try {
    if (pause) await rt.pause(rec.id);
    try {
      execFileSync('cp', ['-a', '--', upper, copy], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new EngineError('internal', `cannot copy the changes of ${rec.name}: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    } finally {
      if (pause) await rt.unpause(rec.id).catch(() => undefined);
    }
    throwIfAborted(opts.signal);
    const lowerHas = (p: string) => rec.lowerDirs.some((l) => lstatSync(join(l, p), { throwIfNoEntry: false }) !== undefined);
    dropRuntimeEntries(copy, rec, lowerHas);

    const config = cloneConfig(base);
    config.config ??= {};
    config.history ??= [];
    config.rootfs ??= { type: 'layers', diff_ids: [] };
    const c = config.config;
    // The container's config: its process (the image's entrypoint kept when it still leads it).
    const argv = [rec.path, ...rec.args];
    const ep = c.Entrypoint ?? [];
    if (ep.length > 0 && ep.every((a, i) => argv[i] === a)) c.Cmd = argv.slice(ep.length);
    else {
      delete c.Entrypoint;
      c.Cmd = argv;
    }
    c.Env = [...rec.env];
    if (rec.workdir) c.WorkingDir = rec.workdir;
    if (rec.user) c.User = rec.user;
    if (Object.keys(rec.labels).length) c.Labels = { ...c.Labels, ...rec.labels };
    for (const p of rec.ports) (c.ExposedPorts ??= {})[`${p.containerPort}/${p.protocol}`] = {};
    if (rec.healthcheck) c.Healthcheck = { ...rec.healthcheck } as typeof c.Healthcheck;
    for (const x of changes) {
      switch (x.kind) {
        case 'cmd':
          steps.applyCmd(c, x);
          break;
        case 'entrypoint':
          steps.applyEntrypoint(
            c,
            x,
            changes.some((y) => y.kind === 'cmd'),
          );
          break;
        case 'env':
          for (const p of x.pairs) c.Env = setEnv(c.Env, p.key, p.value);
          break;
        case 'workdir':
          c.WorkingDir = steps.resolveWorkdir(c.WorkingDir, x.path);
          break;
        case 'label':
        case 'expose':
        case 'user':
        case 'volume':
        case 'onbuild':
          steps.applyConfigField(c, x);
          break;
      }
    }

    const layers = (manifest.layers ?? []).map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
    const created = new Date().toISOString();
    const empty = readdirSync(copy).length === 0;
    if (!empty) {
      const layer = await writeLayer(copy, blob, opts.signal ? { signal: opts.signal } : {});
      await publishBlobFile(store, blob, layer.digest);
      if (await store.hasLayer(layer.diffId)) rmSync(copy, { recursive: true, force: true });
      else await store.adoptLayer(copy, { diffId: layer.diffId, size: layer.contentSize });
      config.rootfs.diff_ids.push(layer.diffId);
      layers.push({ mediaType: mediaTypes.layerGzip, digest: layer.digest, size: layer.size });
    }
    config.history.push({
      created,
      created_by: argv.join(' '),
      ...(opts.author ? { author: opts.author } : {}),
      ...(opts.message ? { comment: opts.message } : {}),
      ...(empty ? { empty_layer: true } : {}),
    });
    config.created = created;
    if (opts.author) config.author = opts.author;
    const tag = ref?.toString();
    const { id } = await writeImage(store, config, layers, tag ? [tag] : [], resolved.id);
    return { id, ...(tag ? { reference: tag } : {}) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
    rmSync(blob, { force: true });
  }
}
