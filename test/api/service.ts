// Helpers for the Engine API tests: a real `dockui system service` on a socket in a private
// root, the real docker client (Debian's docker.io, /usr/bin/docker) pointed at it, and raw
// requests for what a client would never send (hostile input).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { dockuiBin, runCli, type CliResult } from '../helpers/env.js';

/** Debian's docker.io client (docker 20.10, API 1.41); not the one in /usr/local/bin. */
export const dockerCli = process.env.DOCKUI_TEST_DOCKER ?? '/usr/bin/docker';

export interface TestService {
  readonly root: string;
  readonly socket: string;
  readonly proc: ChildProcess;
  /** Runs the docker client against the service. */
  docker(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<CliResult>;
  /** Runs dockui's own CLI on the same root. */
  dockui(args: readonly string[]): Promise<CliResult>;
  stop(): Promise<number | null>;
}

/** Runs a command; `input: null` keeps its stdin open until it exits (`script` turns an EOF into bytes on its pty). */
export function run(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
  input: string | null = '',
  timeoutMs = 60_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (input !== null) child.stdin.end(input);
    else child.on('exit', () => child.stdin.end());
  });
}

/** Starts `dockui system service --time SECONDS unix://ROOT/docker.sock` and waits for the socket. */
export async function startService(opts: { idleSeconds?: number; root?: string; env?: Record<string, string> } = {}): Promise<TestService> {
  const root = opts.root ?? mkdtempSync('/var/tmp/dockui-api16-test-');
  const socket = join(root, 'docker.sock');
  const proc = spawn(
    process.execPath,
    ['--', dockuiBin, 'system', 'service', '--time', String(opts.idleSeconds ?? 0), `unix://${socket}`],
    {
      env: { ...process.env, DOCKUI_ROOT: root, ...opts.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  for (let i = 0; !existsSync(socket); i++) {
    if (proc.exitCode !== null || i > 300) throw new Error(`service did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const env = { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(root, 'docker-config') };
  return {
    root,
    socket,
    proc,
    docker: (args, o = {}) => run(dockerCli, args, env, o.input ?? '', o.timeoutMs ?? 60_000),
    dockui: (args) => runCli(args, { root }),
    stop: async () => {
      if (proc.exitCode === null) {
        const done = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
        proc.kill('SIGTERM');
        return done;
      }
      return proc.exitCode;
    },
  };
}

/** Removes every container of the root (through dockui's CLI), then the root. */
export async function cleanupService(s: TestService): Promise<void> {
  await s.stop();
  const ps = await s.dockui(['ps', '-aq']);
  for (const id of ps.stdout.split('\n').filter(Boolean)) await s.dockui(['rm', '-f', id]);
  rmSync(s.root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request on the socket, as no well-behaved client would send it. */
export function raw(
  socket: string,
  method: string,
  path: string,
  body?: Buffer | string | AsyncIterable<Buffer>,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // A connection of its own: a request that lies about its length must not poison the next one.
    const req = request({ socketPath: socket, method, path, headers, agent: false }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body went out.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else
      void (async () => {
        try {
          for await (const c of body) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
          req.end();
        } catch (e) {
          req.destroy(e as Error);
        }
      })();
  });
}
