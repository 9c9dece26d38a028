// Compatibility scenarios as shell snippets: each runs under bash with $DOCKER set to the real,
// built dockui (its own root and run root under /var/tmp), the way a script written for docker
// would run it. Every dockui command of a snippet exits before the snippet goes on, so what
// happens between two commands happens with no dockui process alive (besides the monitors).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dockuiBin, registry } from '../helpers/env.js';

export interface ScenarioResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Scenario {
  readonly root: string;
  readonly runRoot: string;
  /** docker's fixture busybox in the test registry. */
  readonly image: string;
  sh(script: string, opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<ScenarioResult>;
  /** Runs `script` until its stdout (trimmed) satisfies `ok`, or fails after timeoutMs with the last output. */
  until(script: string, ok: (out: string) => boolean, timeoutMs?: number): Promise<string>;
  cleanup(): void;
}

/** `prefix`: the temp root's name starts with it (helpers running side by side use their own). */
export function scenario(name: string, prefix = 'dockui-h14-'): Scenario {
  const base = mkdtempSync(`/var/tmp/${prefix}${name}-`);
  const root = join(base, 'root');
  const runRoot = join(base, 'run');
  const docker = `${process.execPath} -- ${dockuiBin} --root ${root} --runroot ${runRoot}`;
  const image = `${registry('plain')}/fixture/busybox`;
  const sh: Scenario['sh'] = (script, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', `set -o pipefail\n${script}`], {
        env: { ...process.env, DOCKER: docker, IMAGE: image, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 128, stdout, stderr });
      });
    });
  return {
    root,
    runRoot,
    image,
    sh,
    async until(script, ok, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        const r = await sh(script);
        last = `${r.stdout.trim()}${r.stderr ? ` (stderr: ${r.stderr.trim()})` : ''}`;
        if (r.code === 0 && ok(r.stdout.trim())) return r.stdout.trim();
        if (Date.now() > deadline) throw new Error(`timed out waiting: ${script}\nlast: ${last}`);
        await new Promise((res) => setTimeout(res, 150));
      }
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
