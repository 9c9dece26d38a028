// One file's validated value → the model's long forms (types.ts), and the merge of a later -f
// file over an earlier one (the Compose specification's merge rules).
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ulimitOf } from '../runtime/run-extras.js';
import { develop } from './develop.js';
import { fileObjects, fileRefs } from './secrets.js';
import { parseDotEnv, type Lookup } from './interpolate.js';
import type { BuildConfig, ComposeModel, DependsOn, FileRef, PortConfig, ServiceConfig, VolumeMount } from './types.js';
import { ComposeFileError, type ModelPath, type Positions } from './yaml-read.js';

type Raw = Record<string, unknown>;

export interface NormalizeContext {
  readonly workingDir: string;
  readonly positions: Positions;
  readonly env: Lookup;
  /** Filled with each env_file read. */
  readonly envFilesRead?: string[];
}

function fail(ctx: NormalizeContext, path: ModelPath, why: string): never {
  throw new ComposeFileError(ctx.positions.find(path), why);
}

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);

function mapOf(v: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v))
    for (const item of v) {
      const s = str(item);
      const eq = s.indexOf('=');
      if (eq < 0) out[s] = null;
      else out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as Raw)) out[k] = x === null ? null : str(x);
  return out;
}

function strictMap(v: unknown): Record<string, string> {
  const m = mapOf(v);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(m)) out[k] = x ?? '';
  return out;
}

/** A string command as Compose splits it (shell words: quotes and backslashes, no expansion). */
export function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  let q: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      have = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      have = true;
    } else if (/\s/.test(c)) {
      if (have || cur) out.push(cur);
      cur = '';
      have = false;
    } else cur += c;
  }
  if (q) throw new Error(`unterminated quote in ${JSON.stringify(s)}`);
  if (have || cur) out.push(cur);
  return out;
}

/** A relative path from the file, resolved under the project directory (never above it). */
function inProject(ctx: NormalizeContext, path: ModelPath, p: string): string {
  const expanded = p.startsWith('~/') ? resolve(process.env.HOME ?? '/', p.slice(2)) : p;
  if (isAbsolute(expanded)) return resolve(expanded);
  const abs = resolve(ctx.workingDir, expanded);
  const rel = relative(ctx.workingDir, abs);
  if (rel === '..' || rel.startsWith('../')) fail(ctx, path, `${JSON.stringify(p)} points outside the project directory ${ctx.workingDir}`);
  return abs;
}

const portRe = /^(?:(?:\[?([0-9a-fA-F.:]+?)\]?:)?(\d*|\d+-\d+):)?(\d+)(?:\/(tcp|udp))?$/;
/** A published port or range of host ports ("8080", "8080-8082"); a range gives one port to each replica. */
const publishedRe = /^\d+(?:-\d+)?$/;

function port(ctx: NormalizeContext, path: ModelPath, v: unknown): PortConfig {
  if (typeof v === 'number') return { target: v, protocol: 'tcp' };
  if (typeof v === 'string') {
    const m = portRe.exec(v.trim());
    if (!m)
      fail(
        ctx,
        path,
        `invalid port ${JSON.stringify(v)} (use [HOST_IP:][HOST_PORT[-HOST_PORT]:]CONTAINER_PORT[/PROTO]; container port ranges are not supported)`,
      );
    const p: PortConfig = { target: Number(m[3]), protocol: (m[4] as 'tcp' | 'udp') ?? 'tcp', mode: 'ingress' };
    if (m[2]) p.published = m[2];
    if (m[1]) p.host_ip = m[1];
    return p;
  }
  const o = v as Raw;
  for (const k of Object.keys(o))
    if (!['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol'].includes(k))
      fail(ctx, [...path, k], `ports: unsupported key ${JSON.stringify(k)}`);
  const p: PortConfig = { target: Number(o.target), protocol: o.protocol === 'udp' ? 'udp' : 'tcp', mode: str(o.mode) || 'ingress' };
  if (o.published !== undefined && o.published !== null) p.published = str(o.published);
  if (o.host_ip) p.host_ip = str(o.host_ip);
  if (p.published !== undefined && !publishedRe.test(p.published))
    fail(ctx, [...path, 'published'], `invalid published port ${JSON.stringify(p.published)} (a port or a range A-B)`);
  const [lo, hi] = (p.published ?? '').split('-').map(Number);
  if (hi !== undefined && !(lo! <= hi))
    fail(ctx, typeof v === 'string' ? path : [...path, 'published'], `invalid published port range ${JSON.stringify(p.published)}`);
  return p;
}

function volume(ctx: NormalizeContext, path: ModelPath, v: unknown): VolumeMount {
  if (typeof v === 'string') {
    const parts = v.split(':');
    if (parts.length === 1) return { type: 'volume', target: parts[0]! };
    if (parts.length > 3) fail(ctx, path, `invalid volume ${JSON.stringify(v)} (use SOURCE:TARGET[:ro|rw])`);
    const [src, target, mode] = parts as [string, string, string | undefined];
    if (mode !== undefined && mode !== 'ro' && mode !== 'rw')
      fail(ctx, path, `volume mode ${JSON.stringify(mode)} is not supported (ro or rw)`);
    const bind = src.startsWith('/') || src.startsWith('.') || src.startsWith('~');
    const m: VolumeMount = bind ? { type: 'bind', source: inProject(ctx, path, src), target } : { type: 'volume', source: src, target };
    if (mode === 'ro') m.read_only = true;
    return m;
  }
  const o = v as Raw;
  for (const k of Object.keys(o))
    if (!['type', 'source', 'target', 'read_only'].includes(k)) fail(ctx, [...path, k], `volumes: unsupported key ${JSON.stringify(k)}`);
  const type = str(o.type);
  if (type !== 'volume' && type !== 'bind' && type !== 'tmpfs')
    fail(ctx, [...path, 'type'], `volume type ${JSON.stringify(type)} is not supported (volume, bind or tmpfs)`);
  const m: VolumeMount = { type, target: str(o.target) };
  if (o.source !== undefined) m.source = type === 'bind' ? inProject(ctx, [...path, 'source'], str(o.source)) : str(o.source);
  if (o.read_only === true || o.read_only === 'true') m.read_only = true;
  return m;
}

function readEnvFiles(ctx: NormalizeContext, path: ModelPath, v: unknown): Record<string, string> {
  const list = (Array.isArray(v) ? v : [v]).map((x) =>
    typeof x === 'string' ? { path: x, required: true } : (x as { path: string; required?: boolean }),
  );
  const out: Record<string, string> = {};
  list.forEach((f, i) => {
    const where = Array.isArray(v) ? [...path, i] : path;
    const abs = inProject(ctx, where, f.path);
    ctx.envFilesRead?.push(abs);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      if (f.required === false) return;
      fail(ctx, where, `env_file ${abs}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const r = parseDotEnv(text, ctx.env);
    if (r.badLine) throw new ComposeFileError({ file: abs, line: r.badLine }, r.why ?? 'invalid line');
    for (const [k, x] of r.vars) out[k] = x;
  });
  return out;
}

function service(ctx: NormalizeContext, name: string, raw: Raw): ServiceConfig {
  const p = (k: string): ModelPath => ['services', name, k];
  const s: ServiceConfig = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null || v === undefined) continue;
    switch (k) {
      case 'build': {
        const o = typeof v === 'string' ? { context: v } : (v as Raw);
        const b: BuildConfig = { context: inProject(ctx, [...p(k), 'context'], str(o.context ?? '.')) };
        if (o.dockerfile) b.dockerfile = str(o.dockerfile);
        if (o.args) b.args = strictMap(o.args);
        if (o.target) b.target = str(o.target);
        if (o.labels) b.labels = strictMap(o.labels);
        s.build = b;
        break;
      }
      case 'command':
      case 'entrypoint':
        try {
          s[k] = typeof v === 'string' ? shellSplit(v) : (v as unknown[]).map(str);
        } catch (e) {
          fail(ctx, p(k), (e as Error).message);
        }
        break;
      case 'environment':
        s.environment = { ...s.environment, ...mapOf(v) };
        break;
      case 'env_file':
        s.environment = { ...readEnvFiles(ctx, p(k), v), ...s.environment };
        break;
      case 'ports':
        s.ports = (v as unknown[]).map((x, i) => port(ctx, [...p(k), i], x));
        break;
      case 'expose':
        s.expose = (v as unknown[]).map(str);
        break;
      case 'volumes':
        s.volumes = (v as unknown[]).map((x, i) => volume(ctx, [...p(k), i], x));
        break;
      case 'tmpfs':
      case 'cap_add':
      case 'cap_drop':
      case 'profiles':
      case 'dns':
      case 'dns_search':
      case 'dns_opt':
        s[k] = (Array.isArray(v) ? v : [v]).map(str);
        break;
      case 'ulimits':
        // nofile: 1024, or nofile: {soft: 1024, hard: 2048}; checked here as --ulimit is, so that
        // a bad one names this file's line rather than a flag nobody typed. A limit above this
        // host's is left to create: the file is still read for config, ps, logs and down.
        s.ulimits = Object.fromEntries(
          Object.entries(v as Raw).map(([name, l]) => {
            const long = l !== null && typeof l === 'object';
            const line = long ? `${name}=${str((l as Raw).soft)}:${str((l as Raw).hard)}` : `${name}=${str(l)}`;
            const u = ulimitOf(line);
            if ('why' in u && !u.host) {
              const why = u.why.startsWith('use ') ? 'use a number, -1, or {soft: N, hard: N}' : u.why;
              throw new ComposeFileError(
                ctx.positions.find([...p(k), name], true),
                `invalid ulimits.${name} (${line.slice(name.length + 1)}): ${why}`,
              );
            }
            const num = (x: unknown) => (str(x) === 'unlimited' ? -1 : Number(str(x)));
            return [name, long ? { soft: num((l as Raw).soft), hard: num((l as Raw).hard) } : num(l)];
          }),
        );
        break;
      case 'sysctls':
        // Compose's shape, a map (compose-go's Mapping; `config` prints it so): the list form's
        // "key=value" lines become keys and values.
        s.sysctls = Object.fromEntries(
          Array.isArray(v)
            ? v.map((line) => {
                const t = str(line);
                const i = t.indexOf('=');
                return i === -1 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)];
              })
            : Object.entries(v as Raw).map(([key, val]) => [key, str(val)]),
        );
        break;
      case 'networks':
        s.networks = Array.isArray(v)
          ? Object.fromEntries(v.map((n) => [str(n), null]))
          : Object.fromEntries(
              Object.entries(v as Raw).map(([n, c]) => [
                n,
                c && (c as Raw).aliases ? { aliases: ((c as Raw).aliases as unknown[]).map(str) } : null,
              ]),
            );
        break;
      case 'depends_on': {
        const deps: Record<string, DependsOn> = {};
        if (Array.isArray(v)) for (const d of v) deps[str(d)] = { condition: 'service_started', required: true };
        else
          for (const [d, c] of Object.entries(v as Raw)) {
            const o = (c ?? {}) as Raw;
            deps[d] = { condition: (str(o.condition) || 'service_started') as DependsOn['condition'], required: o.required !== false };
            if (o.restart !== undefined) deps[d].restart = o.restart === true;
          }
        s.depends_on = deps;
        break;
      }
      case 'labels':
        s.labels = strictMap(v);
        break;
      case 'healthcheck': {
        const o = v as Raw;
        const h: ServiceConfig['healthcheck'] = {};
        if (o.test !== undefined) h.test = typeof o.test === 'string' ? ['CMD-SHELL', o.test] : (o.test as unknown[]).map(str);
        for (const f of ['interval', 'timeout', 'start_period', 'start_interval'] as const) if (o[f] !== undefined) h[f] = str(o[f]);
        if (o.retries !== undefined) h.retries = Number(o.retries);
        if (o.disable === true) h.disable = true;
        s.healthcheck = h;
        break;
      }
      case 'init':
      case 'read_only':
      case 'privileged':
      case 'tty':
      case 'stdin_open':
        s[k] = v === true || v === 'true';
        break;
      case 'pids_limit':
        s.pids_limit = Number(v);
        break;
      case 'scale':
        s.scale = Number(v);
        break;
      case 'deploy': {
        const r = (v as Raw).replicas;
        const d: NonNullable<ServiceConfig['deploy']> = {};
        if (r !== undefined && r !== null) d.replicas = Number(r);
        const lim = ((v as Raw).resources as Raw | undefined)?.limits as Raw | undefined;
        if (lim) {
          const l: NonNullable<NonNullable<typeof d.resources>['limits']> = {};
          if (lim.cpus !== undefined && lim.cpus !== null) l.cpus = str(lim.cpus);
          if (lim.memory !== undefined && lim.memory !== null) l.memory = str(lim.memory);
          if (lim.pids !== undefined && lim.pids !== null) l.pids = Number(lim.pids);
          d.resources = { limits: l };
        }
        if (Object.keys(d).length) s.deploy = d;
        break;
      }
      case 'extra_hosts': {
        // A list of "host:ip" or "host=ip", or a map of host → ip (or a list of ips); IPv6 as is.
        const lines: string[] = [];
        const add = (h: string, ip: string) => {
          if (!h || !ip) fail(ctx, p(k), `extra_hosts: ${JSON.stringify(`${h}:${ip}`)} is not HOST:IP`);
          lines.push(`${h}:${ip}`);
        };
        if (Array.isArray(v))
          for (const e of v.map(str)) {
            const eq = e.indexOf('=');
            const at = eq >= 0 ? eq : e.indexOf(':');
            add(e.slice(0, Math.max(at, 0)), at >= 0 ? e.slice(at + 1) : '');
          }
        else for (const [h, ip] of Object.entries(v as Raw)) for (const one of Array.isArray(ip) ? ip : [ip]) add(h, str(one));
        s.extra_hosts = lines;
        break;
      }
      case 'secrets':
      case 'configs':
        s[k] = fileRefs(ctx, p(k), v);
        break;
      case 'develop':
        s.develop = develop(
          (path, why) => fail(ctx, path, why),
          (path, x) => inProject(ctx, path, x),
          p(k),
          v,
        );
        break;
      default:
        if (k.startsWith('x-')) s[k as `x-${string}`] = v;
        else (s as Record<string, unknown>)[k] = str(v);
    }
  }
  // Variables named without a value take the environment's, or are left out.
  if (s.environment)
    for (const [k, x] of Object.entries(s.environment))
      if (x === null) {
        const e = ctx.env(k);
        if (e === undefined) delete s.environment[k];
        else s.environment[k] = e;
      }
  return s;
}

/** One file's value (validated, interpolated) in the model's shapes. */
export function normalizeFile(ctx: NormalizeContext, raw: Raw): Partial<ComposeModel> {
  const out: Partial<ComposeModel> = {};
  if (raw.name !== undefined) out.name = str(raw.name);
  if (raw.services)
    out.services = Object.fromEntries(Object.entries(raw.services as Raw).map(([n, s]) => [n, service(ctx, n, (s ?? {}) as Raw)]));
  if (raw.networks)
    out.networks = Object.fromEntries(
      Object.entries(raw.networks as Raw).map(([n, c]) => {
        const o = (c ?? {}) as Raw;
        if (o.driver !== undefined && o.driver !== 'bridge')
          fail(ctx, ['networks', n, 'driver'], `network driver ${JSON.stringify(o.driver)} is not supported (bridge)`);
        return [
          n,
          {
            ...(o.name ? { name: str(o.name) } : {}),
            ...(o.internal !== undefined ? { internal: o.internal === true } : {}),
            ...(o.labels ? { labels: strictMap(o.labels) } : {}),
          },
        ];
      }),
    );
  if (raw.volumes)
    out.volumes = Object.fromEntries(
      Object.entries(raw.volumes as Raw).map(([n, c]) => {
        const o = (c ?? {}) as Raw;
        if (o.driver !== undefined && o.driver !== 'local')
          fail(ctx, ['volumes', n, 'driver'], `volume driver ${JSON.stringify(o.driver)} is not supported (local)`);
        return [
          n,
          {
            ...(o.name ? { name: str(o.name) } : {}),
            ...(o.external ? { external: true } : {}),
            ...(o.labels ? { labels: strictMap(o.labels) } : {}),
          },
        ];
      }),
    );
  for (const kind of ['secrets', 'configs'] as const) if (raw[kind]) out[kind] = fileObjects(ctx, kind, raw[kind] as Raw);
  return out;
}

const uniq = <T>(a: readonly T[]): T[] => {
  const seen = new Set<string>();
  return a.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/** A later file's service over an earlier one's (the specification's merge rules). */
export function mergeService(base: ServiceConfig, over: ServiceConfig): ServiceConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = (base as Record<string, unknown>)[k];
    if (b === undefined) out[k] = v;
    else if (['ports', 'expose', 'tmpfs', 'cap_add', 'cap_drop', 'dns', 'dns_search', 'dns_opt'].includes(k))
      out[k] = uniq([...(b as unknown[]), ...(v as unknown[])]);
    else if (k === 'volumes') {
      const targets = new Set((v as VolumeMount[]).map((m) => m.target));
      out[k] = [...(b as VolumeMount[]).filter((m) => !targets.has(m.target)), ...(v as VolumeMount[])];
    } else if (k === 'secrets' || k === 'configs') {
      // Merged by source, as volumes are by target: a later file's entry replaces the earlier one.
      const sources = new Set((v as FileRef[]).map((r) => r.source));
      out[k] = [...(b as FileRef[]).filter((r) => !sources.has(r.source)), ...(v as FileRef[])];
    } else if (['environment', 'labels', 'networks', 'depends_on', 'ulimits', 'sysctls'].includes(k))
      out[k] = { ...(b as object), ...(v as object) };
    else if (k === 'build') {
      const bb = b as BuildConfig;
      const vb = v as BuildConfig;
      out[k] = {
        ...bb,
        ...vb,
        ...(bb.args || vb.args ? { args: { ...bb.args, ...vb.args } } : {}),
        ...(bb.labels || vb.labels ? { labels: { ...bb.labels, ...vb.labels } } : {}),
      };
    } else if (k === 'healthcheck') out[k] = { ...(b as object), ...(v as object) };
    else out[k] = v; // scalars and the sequences that are replaced (command, entrypoint, profiles)
  }
  return out as ServiceConfig;
}

export function mergeModels(base: ComposeModel, over: Partial<ComposeModel>): ComposeModel {
  const services = { ...base.services };
  for (const [n, s] of Object.entries(over.services ?? {})) services[n] = services[n] ? mergeService(services[n], s) : s;
  const networks = { ...base.networks };
  for (const [n, c] of Object.entries(over.networks ?? {})) networks[n] = { ...networks[n], ...c };
  const volumes = { ...base.volumes };
  for (const [n, c] of Object.entries(over.volumes ?? {})) volumes[n] = { ...volumes[n], ...c };
  const out: ComposeModel = { name: over.name ?? base.name, services, networks, volumes };
  for (const kind of ['secrets', 'configs'] as const) if (base[kind] || over[kind]) out[kind] = { ...base[kind], ...over[kind] };
  return out;
}
