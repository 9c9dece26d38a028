// The OCI image config and manifest a build produces. The config carries every field Docker's
// builder writes (Healthcheck, Shell, OnBuild included), history entries with empty_layer for
// steps that change metadata only, and rootfs.diff_ids in layer order.
import { createHash } from 'node:crypto';

export const mediaTypes = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The container part of an image config (Docker's field names). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  Shell?: string[];
  OnBuild?: string[] | null;
  ArgsEscaped?: boolean;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface OciImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: HistoryEntry[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** Docker's default PATH, which a build from scratch (or an image without Env) gets for RUN. */
export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function goArch(arch: string = process.arch): string {
  switch (arch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    default:
      return arch; // arm64, arm, ppc64, s390x, riscv64 match already
  }
}

export function emptyImageConfig(): OciImageConfig {
  return {
    architecture: goArch(),
    os: 'linux',
    config: { Env: [defaultPath] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/** A deep copy, so a step never edits its parent's state. */
export function cloneConfig(c: OciImageConfig): OciImageConfig {
  return structuredClone(c);
}

/** Sets K=V in an env list, replacing an existing K (Env order is kept, as Docker keeps it). */
export function setEnv(env: readonly string[] | undefined, key: string, value: string): string[] {
  const out = [...(env ?? [])];
  const i = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
  if (i === -1) out.push(`${key}=${value}`);
  else out[i] = `${key}=${value}`;
  return out;
}

export function envLookup(env: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i === -1) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

/** Serialized the way it will be hashed: stable key order from the object's construction. */
export function encodeJson(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v));
}

export function digestOf(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export function buildManifest(config: Descriptor, layers: readonly Descriptor[]): OciManifest {
  return { schemaVersion: 2, mediaType: mediaTypes.manifest, config, layers: [...layers] };
}
