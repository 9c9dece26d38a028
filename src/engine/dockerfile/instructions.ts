// Stage 2: nodes → typed instructions grouped into stages (BuildKit's instructions package).
// Every check that does not need variable values happens here, so that a mistake is reported
// at parse time with its line and column rather than halfway through a build.
import { EngineError } from '../define.js';
import type { SourceRange } from '../define.js';
import { oneLine, q } from './text.js';
import { parseHeredocWord, parseNodes, positionAt } from './parser.js';
import type { ParseOptions } from './parser.js';
import { instructionKinds, networkModes, securityModes } from './types.js';
import type {
  AddInstruction,
  ArgDecl,
  ArgInstruction,
  Command,
  CopyInstruction,
  Dockerfile,
  FromInstruction,
  HealthcheckInstruction,
  HeredocFile,
  Instruction,
  InstructionKind,
  KeyValue,
  MountSpec,
  NetworkMode,
  Node,
  ParsedNodes,
  SecurityMode,
  Stage,
  Warning,
} from './types.js';
import { parseDuration, parseMount, parsePortSpec, parseSignal, ValueError } from './values.js';

type FlagType = 'bool' | 'string' | 'strings';
type FlagSpec = Readonly<Record<string, FlagType>>;
type FlagValues = Map<string, string | boolean | string[]>;

const flagSpecs: Readonly<Partial<Record<InstructionKind, FlagSpec>>> = {
  from: { platform: 'string' },
  run: { mount: 'strings', network: 'string', security: 'string' },
  copy: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'strings' },
  add: { chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', exclude: 'strings', unpack: 'bool' },
  healthcheck: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};

const stageNameRe = /^[a-z][a-z0-9-_.]*$/;

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  // A hint is only useful when it is close: at most 2 edits, and fewer than the word's length.
  return best !== undefined && bestD <= 2 && bestD < w.length ? best : undefined;
}

class Ctx {
  readonly warnings: Warning[] = [];
  constructor(readonly file: string) {}

  /** An error pointing at `needle` in the node's text (or at the instruction when not found). */
  fail(node: Node, message: string, needle?: string): EngineError {
    return new EngineError('invalid_argument', oneLine(message), { range: this.at(node, needle) });
  }

  at(node: Node, needle?: string): SourceRange {
    let offset = 0;
    if (needle) {
      const kw = node.original.search(/\s/);
      const found = node.original.indexOf(needle, kw < 0 ? 0 : kw);
      if (found >= 0) offset = found;
    }
    if (offset === 0) return node.range;
    return positionAt(this.file, node.segments, offset);
  }
}

function isKind(k: string): k is InstructionKind {
  return (instructionKinds as readonly string[]).includes(k);
}

function parseFlags(ctx: Ctx, node: Node, kind: InstructionKind): FlagValues {
  const spec = flagSpecs[kind] ?? {};
  const values: FlagValues = new Map();
  const K = kind.toUpperCase();
  for (const raw of node.flags) {
    if (raw === '--') break;
    const body = raw.slice(2);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const type = spec[name];
    if (type === undefined) {
      const names = Object.keys(spec);
      const hint = suggest(name, names);
      const known = names.length === 0 ? `${K} takes no flags` : `${K} takes ${names.map((n) => `--${n}`).join(', ')}`;
      throw ctx.fail(
        node,
        `unknown flag --${name.length > 40 ? q(name, 40) : name} for ${K}${hint ? ` (did you mean --${hint}?)` : ''}; ${known}`,
        `--${name}`,
      );
    }
    if (values.has(name) && type !== 'strings') throw ctx.fail(node, `duplicate flag --${name}: give it once`, `--${name}`);
    switch (type) {
      case 'bool': {
        if (value === undefined) {
          values.set(name, true);
          break;
        }
        if (value === '') throw ctx.fail(node, `missing a value on flag --${name} (write --${name} or --${name}=false)`, `--${name}`);
        const l = value.toLowerCase();
        if (l !== 'true' && l !== 'false') throw ctx.fail(node, `--${name} takes true or false, not ${q(value)}`, `--${name}`);
        values.set(name, l === 'true');
        break;
      }
      case 'string':
        if (value === undefined) throw ctx.fail(node, `missing a value on flag --${name} (write --${name}=VALUE)`, `--${name}`);
        values.set(name, value);
        break;
      case 'strings': {
        if (value === undefined) throw ctx.fail(node, `missing a value on flag --${name} (write --${name}=VALUE)`, `--${name}`);
        const list = values.get(name);
        if (Array.isArray(list)) list.push(value);
        else values.set(name, [value]);
        break;
      }
    }
  }
  return values;
}

const str = (f: FlagValues, k: string): string | undefined => {
  const v = f.get(k);
  return typeof v === 'string' ? v : undefined;
};
const bool = (f: FlagValues, k: string): boolean | undefined => {
  const v = f.get(k);
  return typeof v === 'boolean' ? v : undefined;
};
const list = (f: FlagValues, k: string): string[] => {
  const v = f.get(k);
  return Array.isArray(v) ? v : [];
};

function command(ctx: Ctx, node: Node, K: string, allowEmpty: boolean): Command {
  const script = node.args[0];
  if (!node.json && script !== undefined) return { form: 'shell', script };
  if (node.args.length === 0) {
    if (!allowEmpty) throw ctx.fail(node, `${K} requires at least one argument`);
    // BuildKit accepts a bare CMD/ENTRYPOINT and clears the command; say so, it is rarely meant.
    if (!node.json)
      ctx.warnings.push({
        rule: 'EmptyCommand',
        message: `${K} with no arguments clears the command; write ${K} [] if that is intended`,
        range: node.range,
      });
  }
  return { form: 'exec', args: node.args };
}

/** Strips the leading tabs of every line, for `<<-` heredocs. */
export function chompHeredoc(s: string): string {
  return s.replace(/^\t+/gm, '');
}

function heredocFiles(node: Node): HeredocFile[] {
  return node.heredocs.map((h) => ({
    name: h.name,
    data: h.chomp ? chompHeredoc(h.content) : h.content,
    expand: h.expand,
    ...(h.fd === undefined ? {} : { fd: h.fd }),
  }));
}

function mounts(ctx: Ctx, node: Node, specs: readonly string[], lenient: boolean): MountSpec[] {
  const out: MountSpec[] = [];
  let ssh = 0;
  for (const spec of specs) {
    try {
      const m = parseMount(spec, { lenient, sshIndex: ssh });
      if (m) {
        if (m.type === 'ssh') ssh++;
        out.push(m);
      }
    } catch (e) {
      if (e instanceof ValueError) throw ctx.fail(node, `bad --mount: ${e.message}`, spec);
      throw e;
    }
  }
  return out;
}

/** Re-parses mount flags once their variables are expanded; the range is the instruction's. */
export function parseMountsStrict(specs: readonly string[], range: SourceRange): MountSpec[] {
  const out: MountSpec[] = [];
  let ssh = 0;
  for (const spec of specs) {
    try {
      const m = parseMount(spec, { sshIndex: ssh });
      if (m) {
        if (m.type === 'ssh') ssh++;
        out.push(m);
      }
    } catch (e) {
      if (e instanceof ValueError) throw new EngineError('invalid_argument', oneLine(`bad --mount: ${e.message}`), { range });
      throw e;
    }
  }
  return out;
}

function pairs(ctx: Ctx, node: Node, K: string): KeyValue[] {
  if (node.args.length === 0) throw ctx.fail(node, `${K} requires at least one argument (${K} name=value)`);
  const out: KeyValue[] = [];
  for (let i = 0; i + 1 < node.args.length; i += 2) {
    const key = node.args[i] ?? '';
    if (key === '') throw ctx.fail(node, `${K} names can not be blank`, '=');
    out.push({ key, value: node.args[i + 1] ?? '' });
  }
  return out;
}

function copyLike(ctx: Ctx, node: Node, K: string): { sources: string[]; dest: string; heredocs: HeredocFile[] } {
  if (node.args.length < 2) {
    throw ctx.fail(
      node,
      `${K} requires at least two arguments, a source and a destination, but got ${node.args.length === 0 ? 'none' : `only "${node.args[0]}"`}`,
    );
  }
  const dest = node.args[node.args.length - 1] ?? '';
  if (!node.json && parseHeredocWord(dest))
    throw ctx.fail(node, `${K} cannot accept a heredoc as a destination: put the path after <<${parseHeredocWord(dest)?.name ?? ''}`, dest);
  const docs = new Map(heredocFiles(node).map((h) => [h.name, h]));
  const sources: string[] = [];
  const heredocs: HeredocFile[] = [];
  for (const src of node.args.slice(0, -1)) {
    // A source word that opened a heredoc takes that body as a file, looked up by name (BuildKit).
    const word = node.json ? undefined : parseHeredocWord(src);
    if (word) {
      const doc = docs.get(word.name);
      heredocs.push(doc ?? { name: word.name, data: '', expand: word.expand, ...(word.fd === undefined ? {} : { fd: word.fd }) });
    } else {
      sources.push(src);
    }
  }
  return { sources, dest, heredocs };
}

function healthcheck(ctx: Ctx, node: Node, flags: FlagValues, base: { range: SourceRange; text: string }): HealthcheckInstruction {
  const type = node.args[0];
  if (type === undefined) throw ctx.fail(node, 'HEALTHCHECK requires an argument: CMD <command> or NONE');
  const T = type.toUpperCase();
  if (T === 'NONE') {
    if (node.args.length > 1 || flags.size > 0) throw ctx.fail(node, 'HEALTHCHECK NONE takes no arguments or flags');
    return { kind: 'healthcheck', ...base, test: 'none' };
  }
  if (T !== 'CMD') throw ctx.fail(node, `unknown type ${q(type)} in HEALTHCHECK (try CMD)`, type);
  const rest = node.args.slice(1);
  if (rest.length === 0 || (!node.json && rest[0] === '')) throw ctx.fail(node, 'HEALTHCHECK CMD requires a command');
  const test: Command = node.json ? { form: 'exec', args: rest } : { form: 'shell', script: rest[0] ?? '' };
  const dur = (name: string): number | undefined => {
    const v = str(flags, name);
    if (v === undefined) return undefined;
    let ns: number;
    try {
      ns = parseDuration(v);
    } catch (e) {
      if (e instanceof ValueError) throw ctx.fail(node, `--${name}: ${e.message}`, `--${name}`);
      throw e;
    }
    if (ns < 0) throw ctx.fail(node, `--${name} cannot be negative`, `--${name}`);
    if (ns !== 0 && ns < 1e6) throw ctx.fail(node, `--${name} cannot be less than 1ms`, `--${name}`);
    return ns;
  };
  const out: { -readonly [K in keyof HealthcheckInstruction]: HealthcheckInstruction[K] } = { kind: 'healthcheck', ...base, test };
  const interval = dur('interval');
  const timeout = dur('timeout');
  const startPeriod = dur('start-period');
  const startInterval = dur('start-interval');
  if (interval !== undefined) out.intervalNs = interval;
  if (timeout !== undefined) out.timeoutNs = timeout;
  if (startPeriod !== undefined) out.startPeriodNs = startPeriod;
  if (startInterval !== undefined) out.startIntervalNs = startInterval;
  const retries = str(flags, 'retries');
  if (retries !== undefined) {
    if (!/^-?\d+$/.test(retries)) throw ctx.fail(node, `--retries takes a whole number, not ${q(retries)}`, '--retries');
    const n = Number(retries);
    if (n < 1) throw ctx.fail(node, `--retries must be at least 1 (not ${n})`, '--retries');
    out.retries = n;
  }
  return out;
}

function one(ctx: Ctx, node: Node, K: string): string {
  const v = node.args[0];
  if (node.args.length !== 1 || v === undefined || v === '') throw ctx.fail(node, `${K} requires exactly one argument`);
  return v;
}

/** One node → its typed instruction. */
function toInstruction(ctx: Ctx, node: Node): Instruction {
  const keyword = node.keyword;
  if (!isKind(keyword)) {
    const hint = suggest(keyword, instructionKinds);
    const written = node.original.split(/\s/, 1)[0] ?? keyword;
    throw ctx.fail(
      node,
      `unknown instruction: ${written.length > 40 ? q(written, 40) : written}${hint ? ` (did you mean ${hint.toUpperCase()}?)` : ''}`,
    );
  }
  const K = keyword.toUpperCase();
  const flags = parseFlags(ctx, node, keyword);
  const base = { range: node.range, text: node.original };
  switch (keyword) {
    case 'from': {
      const args = node.args;
      const hash = args.findIndex((a, i) => i > 0 && a.startsWith('#'));
      if (hash > 0)
        throw ctx.fail(
          node,
          `FROM takes an image and an optional "AS name"; "${args[hash]}" is not a comment here: a comment must be on its own line`,
          args[hash],
        );
      if (args.length !== 1 && args.length !== 3) {
        throw ctx.fail(
          node,
          args.length === 0
            ? 'FROM requires an image (FROM image[:tag] [AS name])'
            : 'FROM takes an image and an optional "AS name": FROM image[:tag] [AS name]',
        );
      }
      let stageName: string | undefined;
      if (args.length === 3) {
        if ((args[1] ?? '').toLowerCase() !== 'as')
          throw ctx.fail(node, `FROM expects "AS" before the stage name, not ${q(args[1] ?? '')}`, args[1]);
        stageName = (args[2] ?? '').toLowerCase();
        if (!stageNameRe.test(stageName)) {
          throw ctx.fail(
            node,
            `invalid stage name ${q(args[2] ?? '')}: it must start with a letter and contain only letters, digits, "-", "_" and "."`,
            args[2],
          );
        }
        if (args[1] !== 'AS' && args[1] !== 'as') {
          ctx.warnings.push({ rule: 'FromAsCasing', message: `use "AS" or "as" consistently, not ${q(args[1] ?? '')}`, range: node.range });
        }
      }
      const platform = str(flags, 'platform');
      return {
        kind: 'from',
        ...base,
        image: args[0] ?? '',
        ...(stageName === undefined ? {} : { stageName }),
        ...(platform === undefined ? {} : { platform }),
      };
    }
    case 'run': {
      const cmd = command(ctx, node, K, false);
      const network = str(flags, 'network');
      if (network !== undefined && !(networkModes as readonly string[]).includes(network)) {
        throw ctx.fail(node, `unsupported network mode ${q(network)} (use default, none or host)`, '--network');
      }
      const security = str(flags, 'security');
      if (security !== undefined && !(securityModes as readonly string[]).includes(security)) {
        throw ctx.fail(node, `unsupported security mode ${q(security)} (use sandbox or insecure)`, '--security');
      }
      const mountFlags = list(flags, 'mount');
      return {
        kind: 'run',
        ...base,
        command: cmd,
        mountFlags,
        mounts: mounts(ctx, node, mountFlags, true),
        ...(network === undefined ? {} : { network: network as NetworkMode }),
        ...(security === undefined ? {} : { security: security as SecurityMode }),
        heredocs: heredocFiles(node),
      };
    }
    case 'cmd':
      return { kind: 'cmd', ...base, command: command(ctx, node, K, true) };
    case 'entrypoint':
      return { kind: 'entrypoint', ...base, command: command(ctx, node, K, true) };
    case 'copy': {
      const c = copyLike(ctx, node, K);
      const from = str(flags, 'from');
      const chown = str(flags, 'chown');
      const chmod = str(flags, 'chmod');
      const out: CopyInstruction = {
        kind: 'copy',
        ...base,
        ...c,
        link: bool(flags, 'link') ?? false,
        parents: bool(flags, 'parents') ?? false,
        exclude: list(flags, 'exclude'),
        ...(from === undefined ? {} : { from }),
        ...(chown === undefined ? {} : { chown }),
        ...(chmod === undefined ? {} : { chmod }),
      };
      return out;
    }
    case 'add': {
      const c = copyLike(ctx, node, K);
      const chown = str(flags, 'chown');
      const chmod = str(flags, 'chmod');
      const checksum = str(flags, 'checksum');
      const unpack = bool(flags, 'unpack');
      const out: AddInstruction = {
        kind: 'add',
        ...base,
        ...c,
        link: bool(flags, 'link') ?? false,
        keepGitDir: bool(flags, 'keep-git-dir') ?? false,
        exclude: list(flags, 'exclude'),
        ...(chown === undefined ? {} : { chown }),
        ...(chmod === undefined ? {} : { chmod }),
        ...(checksum === undefined ? {} : { checksum }),
        ...(unpack === undefined ? {} : { unpack }),
      };
      return out;
    }
    case 'env':
      return { kind: 'env', ...base, pairs: pairs(ctx, node, K) };
    case 'label':
      return { kind: 'label', ...base, pairs: pairs(ctx, node, K) };
    case 'arg': {
      if (node.args.length === 0) throw ctx.fail(node, 'ARG requires at least one argument (ARG name[=default])');
      const args: ArgDecl[] = node.args.map((word) => {
        const eq = word.indexOf('=');
        const name = eq < 0 ? word : word.slice(0, eq);
        if (name === '') throw ctx.fail(node, 'ARG names can not be blank', word);
        return eq < 0 ? { name } : { name, value: word.slice(eq + 1) };
      });
      return { kind: 'arg', ...base, args };
    }
    case 'expose': {
      if (node.args.length === 0) throw ctx.fail(node, 'EXPOSE requires at least one argument (EXPOSE 80/tcp)');
      for (const p of node.args) {
        if (p.includes('$')) continue; // checked after expansion
        try {
          parsePortSpec(p);
        } catch (e) {
          if (e instanceof ValueError) throw ctx.fail(node, e.message, p);
          throw e;
        }
      }
      // BuildKit sorts the port list (as strings) before it reaches the image config.
      return { kind: 'expose', ...base, ports: [...node.args].sort() };
    }
    case 'workdir':
      return { kind: 'workdir', ...base, path: one(ctx, node, K) };
    case 'user':
      return { kind: 'user', ...base, user: one(ctx, node, K) };
    case 'stopsignal': {
      const signal = one(ctx, node, K);
      if (!signal.includes('$')) {
        try {
          parseSignal(signal);
        } catch (e) {
          if (e instanceof ValueError) throw ctx.fail(node, e.message, signal);
          throw e;
        }
      }
      return { kind: 'stopsignal', ...base, signal };
    }
    case 'maintainer':
      ctx.warnings.push({
        rule: 'MaintainerDeprecated',
        message: 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=...',
        range: node.range,
      });
      return { kind: 'maintainer', ...base, name: one(ctx, node, K) };
    case 'volume': {
      if (node.args.length === 0) throw ctx.fail(node, 'VOLUME requires at least one argument (VOLUME /data)');
      if (node.args.some((p) => p.trim() === '')) throw ctx.fail(node, 'VOLUME specified can not be an empty string');
      return { kind: 'volume', ...base, paths: node.args };
    }
    case 'shell': {
      if (!node.json) throw ctx.fail(node, 'SHELL requires the arguments in JSON form: SHELL ["executable", "parameters"]');
      if (node.args.length === 0) throw ctx.fail(node, 'SHELL requires at least one argument');
      return { kind: 'shell', ...base, shell: node.args };
    }
    case 'healthcheck':
      return healthcheck(ctx, node, flags, base);
    case 'onbuild': {
      const sub = node.sub;
      if (!sub) throw ctx.fail(node, 'ONBUILD requires at least one argument (ONBUILD RUN ...)');
      if (sub.keyword === 'onbuild') throw ctx.fail(node, 'ONBUILD ONBUILD is not allowed');
      if (sub.keyword === 'from' || sub.keyword === 'maintainer')
        throw ctx.fail(node, `${sub.keyword.toUpperCase()} is not allowed as an ONBUILD trigger`);
      // Heredoc bodies follow the ONBUILD line, so they belong to the trigger.
      const inner = toInstruction(ctx, { ...sub, heredocs: node.heredocs });
      const trigger = sub.original + node.heredocs.map((h) => `\n${h.content}${h.name}`).join('');
      return { kind: 'onbuild', ...base, trigger, instruction: inner };
    }
  }
}

/** Groups nodes into stages: only ARG may come before the first FROM. */
export function toDockerfile(parsed: ParsedNodes): Dockerfile {
  const ctx = new Ctx(parsed.file);
  const globalArgs: ArgInstruction[] = [];
  const stages: { index: number; name?: string; from: FromInstruction; instructions: Instruction[] }[] = [];
  const names = new Map<string, number>();
  for (const node of parsed.nodes) {
    const ins = toInstruction(ctx, node);
    if (ins.kind === 'from') {
      if (ins.stageName !== undefined) {
        const prev = names.get(ins.stageName);
        if (prev !== undefined)
          throw ctx.fail(node, `duplicate stage name ${q(ins.stageName)} (stage ${prev} already has it)`, ins.stageName);
        names.set(ins.stageName, stages.length);
      }
      stages.push({ index: stages.length, ...(ins.stageName === undefined ? {} : { name: ins.stageName }), from: ins, instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (ins.kind === 'arg') {
        globalArgs.push(ins);
        continue;
      }
      throw ctx.fail(
        node,
        `${node.keyword.toUpperCase()} before the first FROM: a Dockerfile must start with FROM (only ARG and parser directives may come before it)`,
      );
    }
    current.instructions.push(ins);
  }
  if (stages.length === 0) {
    throw new EngineError(
      'invalid_argument',
      parsed.nodes.length === 0
        ? 'the Dockerfile has no instructions: it needs at least a FROM line'
        : 'the Dockerfile has no FROM: add a FROM line after the global ARGs',
      { range: parsed.nodes[parsed.nodes.length - 1]?.range ?? { file: parsed.file, line: 1, column: 1 } },
    );
  }
  const out: Stage[] = stages.map((s) => {
    const last = s.instructions[s.instructions.length - 1] ?? s.from;
    return { ...s, range: { ...s.from.range, endLine: last.range.endLine ?? last.range.line } };
  });
  const warnings = [...parsed.warnings, ...ctx.warnings].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return { file: parsed.file, directives: parsed.directives, globalArgs, stages: out, warnings };
}

/** Text → typed Dockerfile (stages 1 and 2). Throws EngineError('invalid_argument') with a range. */
export function parseDockerfile(text: string, options: ParseOptions = {}): Dockerfile {
  return toDockerfile(parseNodes(text, options));
}

/** Parses one instruction line on its own (an ONBUILD trigger from a base image, say). */
export function parseInstruction(text: string, options: ParseOptions = {}): Instruction {
  const parsed = parseNodes(text, options);
  const node = parsed.nodes[0];
  const file = options.file ?? 'Dockerfile';
  if (!node) throw new EngineError('invalid_argument', 'empty instruction', { range: { file, line: 1, column: 1 } });
  return toInstruction(new Ctx(file), node);
}
