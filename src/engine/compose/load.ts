// Loading a Compose project: which files, which environment, which name, which profiles; each
// file read with positions, interpolated, checked against the schema and dockui's supported
// keys, normalized and merged; then the cross-file checks (dependencies, networks, volumes).
// Every error is a ComposeFileError: one line naming file:line.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { interpolate, InterpolationError, parseDotEnv, type Lookup } from './interpolate.js';
import { mergeModels, normalizeFile } from './normalize.js';
import { checkReplicas, declaredReplicas } from './replicas.js';
import { checkFileRefs } from './secrets.js';
import { unsupportedKeys } from './supported.js';
import type { ComposeModel, LoadedProject, ServiceConfig } from './types.js';
import { describeSchemaError, pointerPath, schemaError } from './validate.js';
import { ComposeFileError, Positions, readYaml, type ModelPath } from './yaml-read.js';

export interface LoadOptions {
  /** -f, in order; default: compose.yaml (or its older names) and its override in `cwd`. */
  readonly files?: readonly string[];
  /** -p */
  readonly projectName?: string;
  readonly projectDirectory?: string;
  /** --env-file, in order; default PROJECT_DIR/.env when it exists. */
  readonly envFiles?: readonly string[];
  /** --profile */
  readonly profiles?: readonly string[];
  /** Services named on the command line: enabled whatever their profiles, with what they depend on. */
  readonly services?: readonly string[];
  readonly cwd?: string;
  /** The shell's environment (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const defaultNames = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const overrideNames = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

/** compose.yaml (or an older name) in dir or the nearest parent that has one, plus its override. */
export function findComposeFiles(cwd: string): string[] {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const main = defaultNames.map((n) => resolve(dir, n)).find((p) => existsSync(p));
    if (main) {
      const over = overrideNames.map((n) => resolve(dir, n)).find((p) => existsSync(p));
      return over ? [main, over] : [main];
    }
    if (dirname(dir) === dir) return [];
  }
}

/** Compose's project name rule: lower case, [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

function interpolateTree(v: unknown, env: Lookup, path: (string | number)[], file: string, pos: Positions): unknown {
  if (typeof v === 'string')
    try {
      return interpolate(v, env);
    } catch (e) {
      if (e instanceof InterpolationError) throw new ComposeFileError(pos.find(path) ?? { file, line: 1 }, e.message);
      throw e;
    }
  if (Array.isArray(v)) return v.map((x, i) => interpolateTree(x, env, [...path, i], file, pos));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, interpolateTree(x, env, [...path, k], file, pos)]),
    );
  return v;
}

function readEnvFile(file: string, shell: Lookup): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ComposeFileError(
      undefined,
      `env file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const r = parseDotEnv(text, shell);
  if (r.badLine) throw new ComposeFileError({ file, line: r.badLine }, r.why ?? 'invalid line');
  return r.vars;
}

export function loadProject(opts: LoadOptions = {}): LoadedProject {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const shellEnv = opts.env ?? process.env;
  const shell: Lookup = (n) => shellEnv[n];
  // COMPOSE_FILE may come from the shell only before .env is known (its directory decides .env).
  let files = (opts.files?.length ? opts.files : (shell('COMPOSE_FILE')?.split(':').filter(Boolean) ?? [])).map((f) => resolve(cwd, f));
  if (files.length === 0) files = findComposeFiles(cwd);
  if (files.length === 0)
    throw new ComposeFileError(undefined, `no compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml in ${cwd} or above`);
  const workingDir = resolve(cwd, opts.projectDirectory ?? dirname(files[0]!));

  // .env (or --env-file): the shell's variables win over the file's.
  const dotEnv = new Map<string, string>();
  const envFiles = opts.envFiles?.length
    ? opts.envFiles.map((f) => resolve(cwd, f))
    : existsSync(resolve(workingDir, '.env'))
      ? [resolve(workingDir, '.env')]
      : [];
  for (const f of envFiles) for (const [k, v] of readEnvFile(f, (n) => dotEnv.get(n) ?? shell(n))) dotEnv.set(k, v);
  const env: Lookup = (n) => shell(n) ?? dotEnv.get(n);

  let model: ComposeModel = { name: '', services: {}, networks: {}, volumes: {} };
  const positions = new Positions();
  const envFilesRead: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ComposeFileError(
        undefined,
        `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      );
    }
    const read = readYaml(file, text);
    if (read.value === null || typeof read.value !== 'object' || Array.isArray(read.value))
      throw new ComposeFileError({ file, line: 1 }, 'the top level must be a mapping');
    const value = interpolateTree(read.value, env, [], file, read.positions) as Record<string, unknown>;
    const err = schemaError(value);
    if (err) {
      const path = pointerPath(err.instancePath);
      const at = err.keyword === 'additionalProperties' ? [...path, String(err.params.additionalProperty)] : path;
      throw new ComposeFileError(read.positions.find(at, true) ?? { file, line: 1 }, describeSchemaError(err));
    }
    const unsupported = unsupportedKeys(value)[0];
    if (unsupported)
      throw new ComposeFileError(
        read.positions.find(unsupported, true) ?? { file, line: 1 },
        `${unsupported.join('.')}: dockui does not support this key yet`,
      );
    const part = normalizeFile({ workingDir, positions: read.positions, env, envFilesRead }, value);
    model = mergeModels(model, part);
    positions.overlay(read.positions);
  }

  const at = (path: ModelPath) => positions.find(path, true);
  const name = normalizeProjectName(
    opts.projectName ?? shell('COMPOSE_PROJECT_NAME') ?? dotEnv.get('COMPOSE_PROJECT_NAME') ?? (model.name || basename(workingDir)),
  );
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name))
    throw new ComposeFileError(
      model.name ? at(['name']) : undefined,
      `invalid project name ${JSON.stringify(name)}: use lower-case letters, digits, - and _`,
    );
  model.name = name;

  // Each service: an image or a build; its networks, volumes and dependencies declared.
  for (const [sname, s] of Object.entries(model.services)) {
    if (!s.image && !s.build)
      throw new ComposeFileError(at(['services', sname]), `service ${JSON.stringify(sname)} has neither an image nor a build`);
    if (s.container_name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(s.container_name))
      throw new ComposeFileError(at(['services', sname, 'container_name']), `invalid container_name ${JSON.stringify(s.container_name)}`);
    for (const n of Object.keys(s.networks ?? {}))
      if (n !== 'default' && !model.networks[n])
        throw new ComposeFileError(
          at(['services', sname, 'networks', n]),
          `service ${JSON.stringify(sname)} refers to undefined network ${JSON.stringify(n)}`,
        );
    (s.volumes ?? []).forEach((v, i) => {
      if (v.type === 'volume' && v.source && !model.volumes[v.source])
        throw new ComposeFileError(
          at(['services', sname, 'volumes', i]),
          `service ${JSON.stringify(sname)} refers to undefined volume ${JSON.stringify(v.source)}`,
        );
    });
    if (s.restart !== undefined && !/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(s.restart))
      throw new ComposeFileError(
        at(['services', sname, 'restart']),
        `service ${JSON.stringify(sname)}: invalid restart policy ${JSON.stringify(s.restart)} (no, always, on-failure[:N], unless-stopped)`,
      );
    for (const d of Object.keys(s.depends_on ?? {})) {
      if (!model.services[d])
        throw new ComposeFileError(
          at(['services', sname, 'depends_on', d]),
          `service ${JSON.stringify(sname)} depends on undefined service ${JSON.stringify(d)}`,
        );
    }
  }
  dependencyOrder(model.services, (svc, dep) => at(['services', svc, 'depends_on', dep]));
  for (const [sname, s] of Object.entries(model.services)) checkReplicas(sname, s, declaredReplicas(s), at);

  // Profiles: a service with profiles runs only when one is active, or when it is named (then
  // with what it depends on).
  const active = new Set(
    (opts.profiles?.length ? opts.profiles : (shell('COMPOSE_PROFILES') ?? dotEnv.get('COMPOSE_PROFILES') ?? '').split(','))
      .map((p) => p.trim())
      .filter(Boolean),
  );
  const allProfiles = [...new Set(Object.values(model.services).flatMap((s) => s.profiles ?? []))].sort();
  const enabled = new Set(
    Object.keys(model.services).filter(
      (n) => !model.services[n]!.profiles?.length || model.services[n]!.profiles.some((p) => active.has(p) || p === '*') || active.has('*'),
    ),
  );
  for (const n of opts.services ?? []) {
    if (!model.services[n]) throw new ComposeFileError(undefined, `no such service: ${n}`);
    const add = (x: string) => {
      if (enabled.has(x)) return;
      enabled.add(x);
      for (const d of Object.keys(model.services[x]!.depends_on ?? {})) add(d);
    };
    enabled.add(n);
    for (const d of Object.keys(model.services[n].depends_on ?? {})) add(d);
  }
  const disabled: Record<string, ServiceConfig> = {};
  for (const [n, s] of Object.entries(model.services)) {
    if (enabled.has(n)) continue;
    disabled[n] = s;
    delete model.services[n];
  }
  for (const [n, s] of Object.entries(model.services))
    for (const [d, c] of Object.entries(s.depends_on ?? {}))
      if (disabled[d]) {
        if (c.required)
          throw new ComposeFileError(
            at(['services', n, 'depends_on', d]),
            `service ${JSON.stringify(n)} depends on ${JSON.stringify(d)}, which the active profiles leave out`,
          );
        delete s.depends_on![d];
      }
  // Secrets and configs of the services that run: defined, their files there, their variables set.
  const fileValues = checkFileRefs(model, env, at);
  // The default network, when some service uses it.
  const usesDefault = Object.values(model.services).some((s) => !s.networks || 'default' in s.networks);
  if (usesDefault && !model.networks.default) model.networks = { default: {}, ...model.networks };
  for (const s of Object.values(model.services)) if (!s.networks) s.networks = { default: null };
  return {
    model,
    files,
    workingDir,
    profiles: [...active].sort(),
    allProfiles,
    disabled,
    envFiles: [...new Set([...envFiles, ...envFilesRead])],
    fileValues,
    at,
  };
}

/** Services in dependency order (each after what it depends on); a cycle is an error. */
export function dependencyOrder(
  services: Record<string, ServiceConfig>,
  where?: (svc: string, dep: string) => ReturnType<Positions['find']>,
): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, from?: string) => {
    const st = state.get(n);
    if (st === 'done') return;
    if (st === 'visiting')
      throw new ComposeFileError(from ? where?.(from, n) : undefined, `dependency cycle through service ${JSON.stringify(n)}`);
    state.set(n, 'visiting');
    for (const d of Object.keys(services[n]?.depends_on ?? {})) if (services[d]) visit(d, n);
    state.set(n, 'done');
    out.push(n);
  };
  for (const n of Object.keys(services).sort()) visit(n);
  return out;
}
