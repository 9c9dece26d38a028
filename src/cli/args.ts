import { EngineError } from '../engine/define.js';

/**
 * An error of the command line itself: an unknown flag, a flag without its value, a value its
 * type does not parse (an int, a duration, a size). docker's CLI exits 125 for these (cobra's
 * flag errors), 1 for everything else (a missing argument included).
 */
export function flagError(message: string): EngineError {
  return new EngineError('invalid_argument', message, { exitCode: 125 });
}

/** A flag's declaration. `value: true` takes an argument; `multi` collects repeats. */
export interface FlagSpec {
  readonly short?: string;
  readonly value?: boolean;
  readonly multi?: boolean;
  readonly help?: string;
  /** The value's type in help (docker's words: string, int, list, duration, bytes, decimal). */
  readonly type?: string;
}
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['multi'] extends true ? string[] : S[K]['value'] extends true ? string : boolean;
};

export interface Parsed<S extends FlagSpecs> {
  readonly flags: ParsedFlags<S>;
  readonly positionals: string[];
}

/**
 * Docker-style argument parsing: long flags (`--name x`, `--name=x`), short flags that
 * combine (`-it`, `-p8080:80`), `--` ends flags. With `stopAtPositional`, everything from
 * the first positional on is left alone (as `docker run IMAGE CMD...` needs).
 */
export function parseArgs<S extends FlagSpecs>(
  verb: string,
  argv: readonly string[],
  specs: S,
  opts: { stopAtPositional?: boolean } = {},
): Parsed<S> {
  const flags: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(specs)) if (s.short) byShort.set(s.short, name);

  const set = (name: string, value: string | boolean) => {
    const s = specs[name]!;
    if (s.multi) ((flags[name] ??= []) as string[]).push(value as string);
    else flags[name] = value;
  };
  const unknown = (f: string) => flagError(`unknown flag: ${f} (see 'dockui${verb ? ` ${verb}` : ''} --help')`);

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const s = specs[name];
      if (!s) throw unknown(`--${name}`);
      if (s.value) {
        let v: string | undefined;
        if (eq !== -1) v = a.slice(eq + 1);
        else v = argv[++i];
        if (v === undefined) throw flagError(`flag needs an argument: --${name}`);
        set(name, v);
      } else {
        if (eq !== -1) {
          const v = a.slice(eq + 1);
          if (v !== 'true' && v !== 'false') throw flagError(`invalid boolean for --${name}: ${v}`);
          set(name, v === 'true');
        } else set(name, true);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // (a lone '-' means stdin and is a positional)
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const name = byShort.get(c);
        if (!name) throw unknown(`-${c}`);
        const s = specs[name]!;
        if (s.value) {
          let v = a.slice(j + 1);
          if (v === '') {
            const next = argv[++i];
            if (next === undefined) throw flagError(`flag needs an argument: -${c}`);
            v = next;
          }
          set(name, v);
          break;
        }
        if (a[j + 1] === '=') {
          // pflag's `-p=false` for a boolean short flag.
          const v = a.slice(j + 2);
          if (v !== 'true' && v !== 'false') throw flagError(`invalid boolean for -${c}: ${v}`);
          set(name, v === 'true');
          break;
        }
        set(name, true);
      }
      continue;
    }
    if (opts.stopAtPositional) {
      positionals.push(...argv.slice(i));
      break;
    }
    positionals.push(a);
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

/** The value's word in help, as docker's flag library prints it (string, int, list, duration...). */
function typeWord(s: FlagSpec): string {
  if (!s.value) return '';
  return ` ${s.type ?? (s.multi ? 'list' : 'string')}`;
}

/**
 * `--help` in docker's layout (cobra and pflag): "Usage:  dockui VERB SYNOPSIS", the summary, then
 * the options sorted by long name, each description starting three spaces after the longest flag.
 */
export function usage(verb: string, synopsis: string, specs: FlagSpecs, summary?: string): string {
  const lines = [`Usage:  dockui${verb ? ` ${verb}` : ''}${synopsis ? ` ${synopsis}` : ''}`, ''];
  if (summary) lines.push(summary, '');
  const entries = Object.entries(specs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length) {
    const left = entries.map(([name, s]) => `  ${s.short ? `-${s.short}, ` : '    '}--${name}${typeWord(s)}`);
    const width = Math.max(...left.map((l) => l.length)) + 3;
    lines.push('Options:');
    entries.forEach(([, s], i) => lines.push(`${left[i]!.padEnd(width)}${s.help ?? ''}`.trimEnd()));
  }
  return lines.join('\n');
}
