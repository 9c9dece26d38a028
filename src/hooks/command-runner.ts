// Runs a custom command of the config file (feature row 44) with `sh -c`, collecting what it
// prints (stdout and stderr as they come, at most 256 KiB) for the output dialog. Views reach
// it through this context, so that they do no I/O themselves.
import { spawn } from 'node:child_process';
import { createContext } from 'react';

export interface CommandResult {
  readonly exitCode: number;
  readonly output: string;
}

export type CommandRunner = (line: string, onOutput: (text: string) => void) => Promise<CommandResult>;

const maxOutput = 256 * 1024;

export const runShellCommand: CommandRunner = (line, onOutput) =>
  new Promise((resolve) => {
    const child = spawn('sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (d: Buffer) => {
      if (output.length >= maxOutput) return;
      output += d.toString();
      onOutput(output);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => resolve({ exitCode: 127, output: `${output}${e.message}\n` }));
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), output }));
  });

export const CommandRunnerContext = createContext<CommandRunner>(runShellCommand);
