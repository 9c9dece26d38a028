// Compose's secrets and configs: the top-level definitions (file, environment, content) and the
// services' entries (short and long form) in the model's shapes; the checks once every file is
// merged (each entry defined, each file there, each variable set); and what a service's container
// is given: a read-only bind of the host file (`file:`, as docker compose does), or the bytes
// dockui writes into the container's own dir (`environment:`, `content:`).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import type { FileMount } from '../types.js';
import type { ComposeModel, FileObject, FileRef, ServiceConfig } from './types.js';
import { ComposeFileError, Positions, type ModelPath, type Where } from './yaml-read.js';

type Raw = Record<string, unknown>;
export type FileKind = 'secrets' | 'configs';

interface Ctx {
  readonly workingDir: string;
  readonly positions: Positions;
}

const fail = (ctx: Ctx, path: ModelPath, why: string): never => {
  throw new ComposeFileError(ctx.positions.find(path, true), why);
};
const singular = (kind: FileKind) => (kind === 'secrets' ? 'secret' : 'config');

/** A top-level `secrets:` or `configs:` map in the model's shape (file paths made absolute). */
export function fileObjects(ctx: Ctx, kind: FileKind, raw: Raw): Record<string, FileObject> {
  const out: Record<string, FileObject> = {};
  for (const [key, v] of Object.entries(raw)) {
    const o = (v ?? {}) as Raw;
    const at: ModelPath = [kind, key];
    if (o.external !== undefined && o.external !== false)
      fail(
        ctx,
        [...at, 'external'],
        `${kind}.${key}.external: external ${kind} are Swarm-only; dockui does not support them (use file: or environment:${kind === 'configs' ? ' or content:' : ''})`,
      );
    const sources = (['file', 'environment', 'content'] as const).filter((k) => typeof o[k] === 'string');
    if (sources.length !== 1)
      fail(
        ctx,
        at,
        `${singular(kind)} ${JSON.stringify(key)} needs exactly one of file, environment${kind === 'configs' ? ', content' : ''}`,
      );
    const f: FileObject = {};
    if (typeof o.name === 'string') f.name = o.name;
    if (typeof o.file === 'string') {
      const p = o.file.startsWith('~/') ? resolve(process.env.HOME ?? '/', o.file.slice(2)) : o.file;
      f.file = isAbsolute(p) ? resolve(p) : resolve(ctx.workingDir, p);
    }
    if (typeof o.environment === 'string') f.environment = o.environment;
    if (typeof o.content === 'string') f.content = o.content;
    out[key] = f;
  }
  return out;
}

function mode(ctx: Ctx, path: ModelPath, v: unknown): number {
  // Compose reads 0440 (Go's YAML), 0o440 and "0440" as octal; a plain 288 is decimal.
  const raw = ctx.positions.raw.get(Positions.key(path));
  const text = typeof v === 'string' ? v : raw !== undefined && /^0[0-7]+$/.test(raw) ? raw : undefined;
  const n = text !== undefined ? (/^(0o?)?[0-7]+$/.test(text) ? parseInt(text.replace(/^0o/, ''), 8) : NaN) : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0o7777) fail(ctx, path, `invalid mode ${JSON.stringify(v)} (octal, such as 0440)`);
  return n;
}

/** A service's `secrets:` or `configs:` list: the short form as { source }, the long form as given. */
export function fileRefs(ctx: Ctx, path: ModelPath, v: unknown): FileRef[] {
  return (v as unknown[]).map((x, i) => {
    if (typeof x === 'string') return { source: x };
    const o = x as Raw;
    const at = [...path, i];
    if (typeof o.source !== 'string' || !o.source) return fail(ctx, at, `${path.join('.')}.${i}: needs a source`);
    const r: FileRef = { source: o.source };
    if (typeof o.target === 'string' && o.target) r.target = o.target;
    for (const k of ['uid', 'gid'] as const)
      if (o[k] !== undefined && o[k] !== null) {
        const id = String(o[k] as string);
        if (!/^\d+$/.test(id)) fail(ctx, [...at, k], `${k} ${JSON.stringify(id)} must be a number`);
        r[k] = id;
      }
    if (o.mode !== undefined && o.mode !== null) r.mode = mode(ctx, [...at, 'mode'], o.mode);
    return r;
  });
}

/**
 * After the merge, for the services that run: each entry names a defined secret/config, each
 * `file:` is a file, each `environment:` variable is set. Returns those variables' values.
 */
export function checkFileRefs(
  model: ComposeModel,
  env: (name: string) => string | undefined,
  at: (path: ModelPath) => Where | undefined,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const kind of ['secrets', 'configs'] as const)
    for (const [sname, s] of Object.entries(model.services))
      (s[kind] ?? []).forEach((r, i) => {
        const def = model[kind]?.[r.source];
        const where = at(['services', sname, kind, i]);
        if (!def)
          throw new ComposeFileError(
            where,
            `service ${JSON.stringify(sname)} refers to undefined ${singular(kind)} ${JSON.stringify(r.source)}`,
          );
        if (def.file !== undefined) {
          let isFile = false;
          try {
            isFile = statSync(def.file).isFile();
          } catch {
            throw new ComposeFileError(
              at([kind, r.source, 'file']),
              `${singular(kind)} ${JSON.stringify(r.source)}: no such file ${def.file}`,
            );
          }
          if (!isFile)
            throw new ComposeFileError(
              at([kind, r.source, 'file']),
              `${singular(kind)} ${JSON.stringify(r.source)}: ${def.file} is not a file`,
            );
        }
        if (def.environment !== undefined) {
          const v = env(def.environment);
          if (v === undefined)
            throw new ComposeFileError(
              at([kind, r.source, 'environment']),
              `${singular(kind)} ${JSON.stringify(r.source)}: environment variable ${def.environment} is not set`,
            );
          values[def.environment] = v;
        }
      });
  return values;
}

/** Where an entry lands in the container: secrets under /run/secrets unless absolute, configs at /SOURCE by default. */
export function fileTarget(kind: FileKind, r: FileRef): string {
  const t = r.target ?? r.source;
  if (t.startsWith('/')) return posix.normalize(t);
  return posix.join(kind === 'secrets' ? '/run/secrets' : '/', t);
}

/** The Compose name of a secret/config (`name:` or PROJECT_KEY, as docker compose names them). */
export const fileObjectName = (m: ComposeModel, kind: FileKind, key: string) => m[kind]?.[key]?.name ?? `${m.name}_${key}`;

/** The container's file mounts for a service's secrets and configs. */
export function fileMountsFor(m: ComposeModel, values: Readonly<Record<string, string>>, s: ServiceConfig): FileMount[] {
  const out: FileMount[] = [];
  for (const kind of ['secrets', 'configs'] as const)
    for (const r of s[kind] ?? []) {
      const def = m[kind]?.[r.source];
      if (!def) continue; // checked at load
      const of = { kind: singular(kind), name: fileObjectName(m, kind, r.source), key: r.source } as const;
      const target = fileTarget(kind, r);
      // A host file is bound as it is: uid, gid and mode cannot change it (docker compose ignores them too).
      if (def.file !== undefined) out.push({ target, source: def.file, of });
      else
        out.push({
          target,
          content: def.content ?? values[def.environment ?? ''] ?? '',
          ...(r.uid !== undefined ? { uid: Number(r.uid) } : {}),
          ...(r.gid !== undefined ? { gid: Number(r.gid) } : {}),
          mode: r.mode ?? 0o444,
          of,
        });
    }
  return out;
}

/**
 * What the config hash takes of a service's secrets and configs: each entry with its source (a
 * file's path; a digest of the value dockui writes). A file's content is not in it: the container
 * sees a change through its bind. Undefined without any, so other services' hashes stay as they were.
 */
export function fileMountsDigest(m: ComposeModel, values: Readonly<Record<string, string>>, s: ServiceConfig): string | undefined {
  const mounts = fileMountsFor(m, values, s);
  if (!mounts.length) return undefined;
  const h = createHash('sha256');
  for (const f of mounts) {
    const { content, ...rest } = f;
    h.update(JSON.stringify(rest));
    if (content !== undefined) h.update(createHash('sha256').update(content).digest('hex'));
    h.update('\n');
  }
  return h.digest('hex');
}

/** docker compose's warning, kept: a file secret/config is bound as it is, so uid, gid and mode cannot apply. */
export function ignoredFileOwners(m: ComposeModel, s: ServiceConfig): string[] {
  const out: string[] = [];
  for (const kind of ['secrets', 'configs'] as const)
    for (const r of s[kind] ?? [])
      if (m[kind]?.[r.source]?.file !== undefined && (r.uid !== undefined || r.gid !== undefined || r.mode !== undefined))
        out.push(`${singular(kind)} ${r.source}: uid, gid and mode are ignored for a file (bind-mounted as it is)`);
  return out;
}
