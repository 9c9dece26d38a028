import type { FlagSpecs, Parsed } from './args.js';
import type { DockuiEngine, EnginePaths } from '../engine/index.js';
import type { CliOutput } from './stdio.js';

/** What every verb gets: where the engine lives, where to write, and how to be cancelled. */
export interface CliContext {
  readonly paths: EnginePaths;
  /** The engine (src/engine/index.ts), opened on ctx.paths and the global flags: verbs go through it. */
  readonly engine: DockuiEngine;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: NodeJS.ReadStream;
  /** Fires on the first SIGINT/SIGTERM; a second one exits at once. */
  readonly signal: AbortSignal;
  /**
   * For a verb that handles SIGINT/SIGTERM itself (attach's --sig-proxy passes every one on):
   * until the returned function is called, they neither fire `signal` nor exit. Optional: a
   * test's context may not have it.
   */
  readonly takeSignals?: () => () => void;
  /** Global flags before the verb: --root, --runroot, --insecure-registry, --debug. */
  readonly global: { readonly insecureRegistries: readonly string[]; readonly debug: boolean };
}

export interface Verb<S extends FlagSpecs = FlagSpecs> {
  readonly name: string;
  readonly synopsis: string;
  readonly summary: string;
  readonly flags: S;
  /** Leave everything from the first positional alone (run, exec). */
  readonly stopAtPositional?: boolean;
  /** Returns the process exit code. */
  run(ctx: CliContext, args: Parsed<S>): Promise<number>;
}

export function defineVerb<S extends FlagSpecs>(v: Verb<S>): Verb<S> {
  return v;
}
