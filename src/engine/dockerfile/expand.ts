// Stage 3: variable expansion and ARG scoping, as BuildKit's dispatcher applies them.
//
// Which values expand: ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME,
// WORKDIR, ARG defaults and RUN --mount values. RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK
// and ONBUILD are left alone: their shell (or the child build) does it.
//
// ARG scoping: ARGs before the first FROM are global and visible only to FROM lines; a stage
// sees a global ARG only after redeclaring it (`ARG NAME`, no value). `--build-arg` overrides
// any declared default. ENV always wins over an ARG of the same name. The automatic platform
// ARGs are global; inside a stage they need `ARG TARGETARCH` too. The proxy ARGs reach RUN's
// environment whenever they are given, declared or not, and stay out of the image history.
import { EngineError } from '../define.js';
import type { SourceRange } from '../define.js';
import { oneLine, q } from './text.js';
import { parseMountsStrict } from './instructions.js';
import { processWord, processWords, ShellLexError } from './shell-lexer.js';
import type { LexOptions, VarLookup } from './shell-lexer.js';
import type { ArgInstruction, Dockerfile, EnvInstruction, FromInstruction, HeredocFile, Instruction, Stage } from './types.js';
import { parsePortSpec, parseSignal, ValueError } from './values.js';

export type { VarLookup } from './shell-lexer.js';

export const proxyArgNames = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
] as const;
const proxySet: ReadonlySet<string> = new Set(proxyArgNames);

/** True for the predefined proxy ARGs, which a builder keeps out of history and cache keys. */
export function isProxyArg(name: string): boolean {
  return proxySet.has(name);
}

export const platformArgNames = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
] as const;

/** An OCI platform (same shape as the registry module's). */
export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** The platform this process runs on, in OCI terms. */
export function hostPlatform(): PlatformSpec {
  const arch =
    (
      { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<
        string,
        string
      >
    )[process.arch] ?? process.arch;
  return arch === 'arm' ? { os: 'linux', architecture: arch, variant: 'v7' } : { os: 'linux', architecture: arch };
}

export function formatPlatform(p: PlatformSpec): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** TARGETPLATFORM, TARGETOS, ... BUILDVARIANT for a target and a build platform. */
export function platformArgs(target: PlatformSpec, build: PlatformSpec): Record<(typeof platformArgNames)[number], string> {
  return {
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  };
}

export interface ExpandOptions {
  readonly escape?: '\\' | '`';
}

function lexFail(e: unknown, word: string, range: SourceRange): never {
  if (e instanceof ShellLexError) {
    // `${V:?msg}` failures already name the variable; syntax errors need the word for context.
    const message = /^[^\s:]+: /.test(e.message) && !e.message.startsWith('syntax error') ? e.message : `${e.message} in ${q(word, 80)}`;
    throw new EngineError('invalid_argument', oneLine(message), { range, cause: e });
  }
  throw e;
}

/** Expands one value (quotes and escapes resolved); a lexing error becomes an EngineError at `range`. */
export function expandWord(word: string, lookup: VarLookup, range: SourceRange, opts: ExpandOptions = {}): string {
  try {
    return processWord(word, lookup, lexOpts(opts));
  } catch (e) {
    return lexFail(e, word, range);
  }
}

/** Expands and splits into words (EXPOSE, where `$PORTS` may hold several). */
export function expandWords(word: string, lookup: VarLookup, range: SourceRange, opts: ExpandOptions = {}): string[] {
  try {
    return processWords(word, lookup, lexOpts(opts));
  } catch (e) {
    return lexFail(e, word, range);
  }
}

function lexOpts(opts: ExpandOptions): LexOptions {
  return opts.escape ? { escape: opts.escape } : {};
}

function expandHeredocs(docs: readonly HeredocFile[], lookup: VarLookup, range: SourceRange, opts: ExpandOptions): HeredocFile[] {
  return docs.map((d) => {
    if (!d.expand) return d;
    try {
      return { ...d, data: processWord(d.data, lookup, { ...lexOpts(opts), heredocBody: true }) };
    } catch (e) {
      return lexFail(e, `<<${d.name}`, range);
    }
  });
}

/**
 * Returns the instruction with its expandable values substituted from `lookup` — the values a
 * builder uses for this step. Instructions BuildKit does not expand come back unchanged.
 * Throws EngineError('invalid_argument') at the instruction's range (e.g. `${V:?msg}` unset).
 */
export function expandInstruction<T extends Instruction>(ins: T, lookup: VarLookup, opts: ExpandOptions = {}): T {
  const r = ins.range;
  const w = (s: string): string => expandWord(s, lookup, r, opts);
  const opt = (s: string | undefined): string | undefined => (s === undefined ? undefined : w(s));
  const fail = (e: unknown): never => {
    if (e instanceof ValueError) throw new EngineError('invalid_argument', oneLine(e.message), { range: r });
    throw e;
  };
  const x: Instruction = ins;
  let out: Instruction;
  switch (x.kind) {
    case 'from': {
      const image = w(x.image);
      if (image === '')
        throw new EngineError('invalid_argument', `FROM image ${q(x.image)} expands to an empty name: give its ARG a value (--build-arg)`, {
          range: r,
        });
      const platform = opt(x.platform);
      out = { ...x, image, ...(platform === undefined ? {} : { platform }) };
      break;
    }
    case 'run': {
      const mountFlags = x.mountFlags.map(w);
      out = { ...x, mountFlags, mounts: parseMountsStrict(mountFlags, r) };
      break;
    }
    case 'copy':
    case 'add': {
      const common = {
        sources: x.sources.map(w),
        dest: w(x.dest),
        exclude: x.exclude.map(w),
        heredocs: expandHeredocs(x.heredocs, lookup, r, opts),
        ...(x.chown === undefined ? {} : { chown: w(x.chown) }),
        ...(x.chmod === undefined ? {} : { chmod: w(x.chmod) }),
      };
      if (x.kind === 'copy') out = { ...x, ...common, ...(x.from === undefined ? {} : { from: w(x.from) }) };
      else out = { ...x, ...common, ...(x.checksum === undefined ? {} : { checksum: w(x.checksum) }) };
      break;
    }
    case 'env':
    case 'label':
      out = { ...x, pairs: x.pairs.map((p) => ({ key: w(p.key), value: w(p.value) })) };
      break;
    case 'arg':
      // BuildKit expands the name too (`ARG ${PREFIX}_VERSION=1`).
      out = { ...x, args: x.args.map((a) => (a.value === undefined ? { name: w(a.name) } : { name: w(a.name), value: w(a.value) })) };
      break;
    case 'expose': {
      const ports = x.ports.flatMap((p) => expandWords(p, lookup, r, opts));
      try {
        for (const p of ports) parsePortSpec(p);
      } catch (e) {
        fail(e);
      }
      out = { ...x, ports };
      break;
    }
    case 'workdir':
      out = { ...x, path: w(x.path) };
      break;
    case 'user':
      out = { ...x, user: w(x.user) };
      break;
    case 'volume':
      out = { ...x, paths: x.paths.map(w) };
      break;
    case 'stopsignal': {
      const signal = w(x.signal);
      try {
        parseSignal(signal);
      } catch (e) {
        fail(e);
      }
      out = { ...x, signal };
      break;
    }
    case 'cmd':
    case 'entrypoint':
    case 'shell':
    case 'healthcheck':
    case 'onbuild':
    case 'maintainer':
      out = x;
      break;
  }
  return out as T;
}

export interface ArgScopeOptions {
  /** `--build-arg NAME=VALUE`; a name given with no value is looked up by the caller first. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly targetPlatform?: PlatformSpec;
  readonly buildPlatform?: PlatformSpec;
}

/**
 * The global scope of a Dockerfile: its ARGs before the first FROM, evaluated once against
 * the build args, and the automatic platform ARGs. Expands FROM lines and opens stage scopes.
 */
export class GlobalScope {
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly platform: Readonly<Record<string, string>>;
  private readonly values = new Map<string, string | undefined>();
  private readonly used = new Set<string>();
  private readonly escape: '\\' | '`';

  constructor(dockerfile: Dockerfile, opts: ArgScopeOptions = {}) {
    this.buildArgs = opts.buildArgs ?? {};
    const host = hostPlatform();
    this.platform = platformArgs(opts.targetPlatform ?? opts.buildPlatform ?? host, opts.buildPlatform ?? host);
    this.escape = dockerfile.directives.escape;
    for (const ins of dockerfile.globalArgs) {
      const expanded = expandInstruction(ins, this.lookup, { escape: this.escape });
      for (const a of expanded.args) this.values.set(a.name, this.buildArg(a.name) ?? a.value);
    }
  }

  private buildArg(name: string): string | undefined {
    if (!Object.hasOwn(this.buildArgs, name)) return undefined;
    this.used.add(name);
    return this.buildArgs[name];
  }

  /** What a FROM line sees: global ARGs, then the platform ARGs. */
  readonly lookup: VarLookup = (name) => {
    if (this.values.has(name)) return this.values.get(name);
    return this.platform[name];
  };

  /** The value a stage gets when it redeclares a global ARG without a default. */
  globalValue(name: string): string | undefined {
    if (this.values.has(name)) return this.values.get(name);
    return this.platform[name];
  }

  /** Build args the Dockerfile declared somewhere (consumed so far); the rest deserve a warning. */
  consumed(name: string): boolean {
    return this.used.has(name) || isProxyArg(name);
  }

  /** Marks a build arg as consumed and returns it. */
  takeBuildArg(name: string): string | undefined {
    return this.buildArg(name);
  }

  /** FROM with its image and --platform expanded in the global scope. */
  expandFrom(from: FromInstruction): FromInstruction {
    return expandInstruction(from, this.lookup, { escape: this.escape });
  }

  /** A scope for one stage, starting from its base image's config Env ("K=V" strings). */
  stage(baseEnv: readonly string[] = []): StageScope {
    return new StageScope(this, baseEnv, this.escape);
  }
}

/**
 * The variables of one stage as its steps run: ENV (from the base image, then ENV
 * instructions) over declared ARGs. `apply` is the per-step call a builder makes.
 */
export class StageScope {
  /** Insertion-ordered, as the image config's Env is. */
  private readonly env = new Map<string, string>();
  private readonly args = new Map<string, string | undefined>();

  constructor(
    private readonly global: GlobalScope,
    baseEnv: readonly string[],
    private readonly escape: '\\' | '`',
  ) {
    for (const kv of baseEnv) {
      const eq = kv.indexOf('=');
      if (eq > 0) this.env.set(kv.slice(0, eq), kv.slice(eq + 1));
      else if (kv !== '') this.env.set(kv, '');
    }
  }

  /** ENV first, then declared ARGs with a value. */
  readonly lookup: VarLookup = (name) => {
    const e = this.env.get(name);
    if (e !== undefined) return e;
    return this.args.get(name);
  };

  /** Expands an instruction in this scope without changing the scope. */
  expand<T extends Instruction>(ins: T): T {
    return expandInstruction(ins, this.lookup, { escape: this.escape });
  }

  /**
   * Expands one step and applies what it declares (ARG, ENV) to the scope; returns the
   * expanded instruction for the builder to execute.
   */
  apply<T extends Instruction>(ins: T): T {
    const x = this.expand(ins);
    if (x.kind === 'arg') this.declare(x);
    else if (x.kind === 'env') this.setEnv(x);
    return x;
  }

  private declare(ins: ArgInstruction): void {
    for (const a of ins.args) {
      const fromBuild = this.global.takeBuildArg(a.name);
      if (fromBuild !== undefined) this.args.set(a.name, fromBuild);
      else if (a.value !== undefined) this.args.set(a.name, a.value);
      else this.args.set(a.name, this.global.globalValue(a.name));
    }
  }

  private setEnv(ins: EnvInstruction): void {
    for (const p of ins.pairs) this.env.set(p.key, p.value);
  }

  /** The image config's Env as it stands ("K=V", in order). */
  envList(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  /** Declared ARGs that have a value, in declaration order. */
  argList(): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, v] of this.args) if (v !== undefined) out.push([k, v]);
    return out;
  }

  /**
   * The environment a RUN step gets: ENV, then declared ARGs not shadowed by ENV, then the
   * proxy build args (declared or not). Only `env` and `args` belong in the cache key.
   */
  runEnv(): string[] {
    const out = this.envList();
    for (const [k, v] of this.args) if (v !== undefined && !this.env.has(k)) out.push(`${k}=${v}`);
    for (const name of proxyArgNames) {
      if (this.env.has(name) || this.args.has(name)) continue;
      const v = this.global.buildArgs[name];
      if (v !== undefined) out.push(`${name}=${v}`);
    }
    return out;
  }
}

/** Resolves `COPY --from` / `--mount from=` / `FROM name` to a stage (by name or index). */
export function findStage(dockerfile: Dockerfile, ref: string, before?: number): Stage | undefined {
  const limit = before ?? dockerfile.stages.length;
  const lower = ref.toLowerCase();
  for (const s of dockerfile.stages) if (s.index < limit && s.name === lower) return s;
  if (/^\d+$/.test(ref)) {
    const s = dockerfile.stages[Number(ref)];
    if (s && s.index < limit) return s;
  }
  return undefined;
}
