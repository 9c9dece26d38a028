// Verbs made of subcommands (`dockui image ls`, `dockui system df`): one table and one dispatch.
import { EngineError } from '../../engine/define.js';
import { parseArgs, usage, type FlagSpecs } from '../args.js';
import type { CliContext } from '../context.js';

export type SubFlags = Record<string, string | string[] | boolean | undefined>;

export interface Sub {
  readonly synopsis: string;
  /** docker's one line under the usage line. */
  readonly summary?: string;
  readonly flags: FlagSpecs;
  /** The subcommand refuses positionals (`system df extra` is an error). */
  readonly noArgs?: boolean;
  run(ctx: CliContext, flags: SubFlags, pos: string[]): Promise<number>;
}

/** Finds `positionals[0]` (or its alias) in `subs`, answers --help, parses its flags and runs it. */
export function runSub(
  ctx: CliContext,
  group: string,
  subs: Readonly<Record<string, Sub>>,
  positionals: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Promise<number> {
  const [name, ...rest] = positionals;
  const key = name === undefined ? undefined : (aliases[name] ?? name);
  const sub = key === undefined ? undefined : subs[key];
  if (!sub || key === undefined)
    throw new EngineError(
      'invalid_argument',
      `${name === undefined ? `'dockui ${group}' needs a command` : `unknown command: ${group} ${name}`} (try: ${Object.keys(subs).join(', ')})`,
    );
  if (rest[0] === '--help' || rest[0] === '-h') {
    ctx.stdout.write(`${usage(`${group} ${key}`, sub.synopsis, sub.flags, sub.summary)}\n`);
    return Promise.resolve(0);
  }
  const parsed = parseArgs(`${group} ${key}`, rest, sub.flags);
  if (sub.noArgs && parsed.positionals.length > 0) throw new EngineError('invalid_argument', `'dockui ${group} ${key}' takes no arguments`);
  return sub.run(ctx, parsed.flags as SubFlags, parsed.positionals);
}
