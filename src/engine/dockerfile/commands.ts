// How an instruction's command becomes argv, as BuildKit's dispatcher decides it: shell form
// goes through the stage's SHELL, exec form runs as is, and RUN heredocs follow BuildKit's
// three cases (a lone heredoc with a shebang runs as a file; a lone heredoc without one is the
// script; anything else is handed to the shell, heredocs and all).
import { parseHeredocWord } from './parser.js';
import type { Command, HealthcheckInstruction, RunInstruction } from './types.js';
import { parsePortSpec } from './values.js';

/** The default SHELL on Linux. */
export const defaultShell: readonly string[] = ['/bin/sh', '-c'];

/** argv for CMD / ENTRYPOINT / RUN without heredocs: shell form is `[...shell, script]`. */
export function commandArgv(command: Command, shell: readonly string[] = defaultShell): string[] {
  return command.form === 'exec' ? [...command.args] : [...shell, command.script];
}

export type RunPlan =
  /** Run `argv` (exec form, or the shell with the script). */
  | { readonly kind: 'argv'; readonly argv: readonly string[] }
  /**
   * A lone heredoc starting with `#!`: write `data` to a file named `name` (mode 0755) in a
   * read-only mount at `dir`, and run `argv` (that file).
   */
  | { readonly kind: 'script-file'; readonly dir: string; readonly name: string; readonly data: string; readonly argv: readonly string[] };

/** Where BuildKit mounts a heredoc script it runs as a file. */
const scriptDir = '/dev/pipes';

/** What a RUN step executes, heredocs included. */
export function runPlan(run: RunInstruction, shell: readonly string[] = defaultShell): RunPlan {
  const cmd = run.command;
  if (cmd.form === 'exec' || run.heredocs.length === 0) return { kind: 'argv', argv: commandArgv(cmd, shell) };
  const first = run.heredocs[0];
  if (first && run.heredocs.length === 1 && parseHeredocWord(cmd.script.trim())) {
    if (first.data.startsWith('#!')) {
      return { kind: 'script-file', dir: scriptDir, name: first.name, data: first.data, argv: [`${scriptDir}/${first.name}`] };
    }
    // The body is the script, so heredoc syntax works even with a shell that lacks heredocs.
    return { kind: 'argv', argv: [...shell, first.data] };
  }
  // Put the bodies back under the line and let the shell read its own heredocs.
  const full = run.heredocs.reduce((s, h) => `${s}\n${h.data}${h.name}`, cmd.script);
  return { kind: 'argv', argv: [...shell, full] };
}

/** The image config's Healthcheck.Test: ["NONE"], ["CMD", ...args] or ["CMD-SHELL", script]. */
export function healthcheckTest(h: HealthcheckInstruction): string[] {
  if (h.test === 'none') return ['NONE'];
  return h.test.form === 'exec' ? ['CMD', ...h.test.args] : ['CMD-SHELL', h.test.script];
}

/**
 * The image config's ExposedPorts keys for an expanded EXPOSE: `80` → `80/tcp`, and a range
 * `8000-8002/udp` → one key per port, as Docker records them.
 */
export function exposedPortKeys(ports: readonly string[]): string[] {
  const keys: string[] = [];
  for (const p of ports) {
    const spec = parsePortSpec(p);
    for (let port = spec.start; port <= spec.end; port++) keys.push(`${port}/${spec.protocol}`);
  }
  return keys;
}
