// Secrets and configs both ways. generate: a container's file mount (Compose's secrets and
// configs, or what a played secret/configMap volume made) becomes a v1 Secret (data base64) or
// ConfigMap and a secret/configMap volume with items (key → path), mounted at the same path (one
// file: subPath, so the directory around it stays the image's). play: a secret/configMap volume
// (items, defaultMode, optional) becomes the container's read-only file mounts (RunOptions.files),
// written by dockui into the container's own dir and removed with it. An item's path holding `..`
// is refused, as Kubernetes refuses it.
import { posix } from 'node:path';
import { EngineError } from '../define.js';
import type { MountRecord } from '../runtime/records.js';
import type { FileMount, FileMountOf } from '../types.js';
import type { KubeObject } from './generate.js';

/** One file's bytes and mode. */
export interface FileItem {
  readonly data: Uint8Array;
  readonly mode: number;
}

/** What a file mount's source holds: one file, or a directory of files (item path → file). */
export interface FileContent {
  readonly file?: FileItem;
  readonly dir?: ReadonlyMap<string, FileItem>;
  readonly uid: number;
  readonly gid: number;
}

const keyRe = /^[-._a-zA-Z0-9]+$/;
const keyOf = (s: string) => (keyRe.test(s) ? s : s.replace(/[^-._a-zA-Z0-9]+/g, '_') || 'data');

function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Adds an item to the object named `name` (made once, shared by every workload that uses it). */
function addData(objects: KubeObject[], kind: FileMountOf['kind'], name: string, app: string, key: string, data: Uint8Array): void {
  const k = kind === 'secret' ? 'Secret' : 'ConfigMap';
  let o = objects.find((x) => x.kind === k && x.metadata.name === name);
  if (!o) {
    o = { apiVersion: 'v1', kind: k, metadata: { name, labels: { app } }, ...(k === 'Secret' ? { type: 'Opaque' } : {}) };
    objects.push(o);
  }
  const text = k === 'ConfigMap' && isUtf8(data);
  const field = k === 'Secret' ? 'data' : text ? 'data' : 'binaryData';
  const m = (o[field] as Record<string, string> | undefined) ?? {};
  if (!(key in m)) m[key] = text ? Buffer.from(data).toString('utf8') : Buffer.from(data).toString('base64');
  o[field] = m;
}

/** generate: the volume and volumeMount of a file mount; undefined when its content could not be read. */
export function fileVolume(
  m: MountRecord & { file: FileMountOf },
  content: FileContent | undefined,
  vname: string,
  ctx: { objects: KubeObject[]; app: string; dnsName: (s: string) => string; note: (what: string) => void },
): { volume: Record<string, unknown>; mount: Record<string, unknown> } | undefined {
  if (!content?.file && !content?.dir) return undefined;
  const name = ctx.dnsName(m.file.name);
  const base = posix.basename(m.destination);
  const items: { key: string; path: string; mode: number }[] = [];
  if (content.file) {
    const key = keyOf(m.file.key ?? base);
    addData(ctx.objects, m.file.kind, name, ctx.app, key, content.file.data);
    items.push({ key, path: base, mode: content.file.mode });
  } else
    for (const [path, f] of content.dir!) {
      const key = keyOf(path.split('/').join('.'));
      addData(ctx.objects, m.file.kind, name, ctx.app, key, f.data);
      items.push({ key, path, mode: f.mode });
    }
  if (content.uid !== 0 || content.gid !== 0)
    ctx.note(
      `${m.file.kind} ${m.file.name} at ${m.destination}: owner ${content.uid}:${content.gid} has no per-file Kubernetes field (use the pod's fsGroup)`,
    );
  const source = m.file.kind === 'secret' ? { secret: { secretName: name, items } } : { configMap: { name, items } };
  return {
    volume: { name: vname, ...source },
    mount: { name: vname, mountPath: m.destination, ...(content.file ? { subPath: base } : {}), readOnly: true },
  };
}

/** play: each Secret's and ConfigMap's items as bytes (Secret data and stringData; ConfigMap data and binaryData). */
export function fileSources(objects: readonly KubeObject[]): {
  secrets: Map<string, Map<string, Uint8Array>>;
  configMaps: Map<string, Map<string, Uint8Array>>;
} {
  const of = (o: KubeObject, encoded: string, plain: string) =>
    new Map<string, Uint8Array>([
      ...Object.entries((o[encoded] ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')] as const),
      ...Object.entries((o[plain] ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v)] as const),
    ]);
  return {
    secrets: new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, of(o, 'data', 'stringData')])),
    configMaps: new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, of(o, 'binaryData', 'data')])),
  };
}

/** An item's path: relative, no `..` component (Kubernetes' rule). */
function itemPath(p: unknown, where: string): string {
  const s = String(p);
  if (!s || s.startsWith('/') || s.split('/').includes('..'))
    throw new EngineError('invalid_argument', `${where}: item path ${JSON.stringify(s)} must be relative and hold no '..'`);
  return s;
}

/** play: a secret or configMap volume's files (path → bytes and mode). */
export function playVolumeItems(
  v: Record<string, unknown>,
  src: ReturnType<typeof fileSources>,
  where: string,
): { kind: FileMountOf['kind']; name: string; items: Map<string, { data: Uint8Array; mode: number; key: string }> } {
  const sec = v.secret as { secretName?: string; items?: unknown[]; defaultMode?: number; optional?: boolean } | undefined;
  const cm = v.configMap as { name?: string; items?: unknown[]; defaultMode?: number; optional?: boolean } | undefined;
  const kind = sec ? 'secret' : 'config';
  const spec = (sec ?? cm)!;
  const name = String(sec ? sec.secretName : cm!.name);
  const objWhere = `${where}: volume ${String(v.name)}`;
  const data = (sec ? src.secrets : src.configMaps).get(name);
  if (!data && !spec.optional)
    throw new EngineError('invalid_argument', `${objWhere}: ${sec ? 'Secret' : 'ConfigMap'} ${name} is not in the file`);
  const mode = typeof spec.defaultMode === 'number' ? spec.defaultMode : 0o644;
  const items = new Map<string, { data: Uint8Array; mode: number; key: string }>();
  const list = (spec.items ?? [...(data?.keys() ?? [])].map((k) => ({ key: k, path: k }))) as {
    key: string;
    path: string;
    mode?: number;
  }[];
  for (const it of list) {
    const path = itemPath(it.path, objWhere);
    const bytes = data?.get(it.key);
    if (!bytes) {
      if (spec.optional) continue;
      throw new EngineError('invalid_argument', `${objWhere}: no key ${it.key} in ${sec ? 'Secret' : 'ConfigMap'} ${name}`);
    }
    items.set(path, { data: bytes, mode: typeof it.mode === 'number' ? it.mode : mode, key: it.key });
  }
  return { kind, name, items };
}

/** play: the file mount a volumeMount of a secret/configMap volume makes (read-only, as in Kubernetes). */
export function playFileMount(vol: ReturnType<typeof playVolumeItems>, m: Record<string, unknown>, where: string): FileMount {
  const target = String(m.mountPath);
  if (typeof m.subPath === 'string' && m.subPath) {
    const sub = itemPath(m.subPath, `${where}: volumeMount ${String(m.name)}`);
    const it = vol.items.get(sub);
    if (!it) throw new EngineError('invalid_argument', `${where}: volumeMount ${String(m.name)}: subPath ${sub} is no item of ${vol.name}`);
    return { target, content: it.data, mode: it.mode, of: { kind: vol.kind, name: vol.name, key: it.key } };
  }
  return {
    target,
    entries: [...vol.items].map(([path, it]) => ({ path, content: it.data, mode: it.mode })),
    of: { kind: vol.kind, name: vol.name },
  };
}
