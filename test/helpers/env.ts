// Shared helpers for tests: the fixture registries started by scripts/run-tests.mjs,
// private engine roots, and the real CLI binary.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = process.env.DOCKUI_FIXTURES ?? resolve(repoRoot, '../shared/fixtures');
export const dockuiBin = join(repoRoot, 'bin/dockui.js');
const dockuiCjs = join(repoRoot, 'bin/dockui.cjs');

/**
 * What follows `node` to run one of the tests' TypeScript scripts (REL from the repository's top,
 * one of scripts/bundle-tests.mjs's `scripts`): its bundle when the runner made them, else
 * through tsx (1–1.5 s of loading on this host against ~0.3 s).
 */
export function scriptArgv(rel: string): string[] {
  const dir = process.env.DOCKUI_TEST_BUNDLES;
  const bundle = dir && join(dir, rel.replace(/\.tsx?$/, '.mjs'));
  return bundle && existsSync(bundle) ? ['--enable-source-maps', bundle] : ['--import', 'tsx', join(repoRoot, rel)];
}

export type RegistryMode = 'plain' | 'auth' | 'token';
/** Address (127.0.0.1:PORT) of a seeded fixture registry; throws when the runner did not start it. */
export function registry(mode: RegistryMode = 'plain'): string {
  const env = { plain: 'DOCKUI_TEST_REGISTRY', auth: 'DOCKUI_TEST_REGISTRY_AUTH', token: 'DOCKUI_TEST_REGISTRY_TOKEN' }[mode];
  const addr = process.env[env];
  if (!addr) throw new Error(`${env} is not set: run the tests through npm test (scripts/run-tests.mjs)`);
  return addr;
}

export const fixtureUser = { username: 'tester', password: 'secret' } as const;

/** A fresh engine root in a temp dir; `cleanup()` removes it. */
export function tempRoot(prefix = 'dockui-test-'): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root, // Retries: a container's monitor may still be finishing its clean-up inside the root.
    cleanup: () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real, built `dockui` binary with a private root. */
export function runCli(
  args: readonly string[],
  opts: { root: string; input?: string; env?: Record<string, string>; timeoutMs?: number; home?: string },
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    // What the launcher (bin/dockui.js, a sh line) runs: Node on bin/dockui.cjs, `--` so that
    // Node does not read dockui's arguments as its own (Node 20 reads --env-file anywhere). Not
    // `node bin/dockui.js`: that starts the ES module loader first (~10 ms of CPU per command).
    const child = spawn(process.execPath, ['--', dockuiCjs, ...args], {
      env: {
        ...process.env,
        DOCKUI_ROOT: opts.root,
        ...(opts.home ? { HOME: opts.home } : {}),
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
