// Shared by the runtime's CLI tests: a private root with the fixture images pulled, and checks
// that nothing of a container is left behind (record, mount, netns, monitor or network process).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry, runCli, tempRoot, type CliResult } from '../../helpers/env.js';

export interface Fixture {
  readonly root: string;
  readonly reg: string;
  readonly busybox: string;
  readonly layers: string;
  readonly web: string;
  cli(args: readonly string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** runs the CLI and asserts exit 0, returning stdout. */
  ok(args: readonly string[], opts?: { input?: string }): Promise<string>;
  cleanup(): Promise<void>;
}

export async function setupFixture(prefix: string, images: readonly ('busybox' | 'layers' | 'web')[]): Promise<Fixture> {
  const t = tempRoot(prefix);
  const reg = registry('plain');
  const cli = (args: readonly string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}) =>
    runCli(args, { root: t.root, ...opts });
  const ok = async (args: readonly string[], opts: { input?: string } = {}) => {
    const r = await cli(args, opts);
    assert.equal(r.code, 0, `dockui ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  await Promise.all(images.map((i) => ok(['pull', '-q', `${reg}/fixture/${i}`])));
  return {
    root: t.root,
    reg,
    busybox: `${reg}/fixture/busybox`,
    layers: `${reg}/fixture/layers`,
    web: `${reg}/fixture/web`,
    cli,
    ok,
    async cleanup() {
      const ids = (await cli(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
      for (const id of ids) await cli(['rm', '-f', id]);
      t.cleanup();
    },
  };
}

/** Processes whose command line mentions `path` (conmon, slirp4netns, runc of that root). */
export function processesUnder(path: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(path)) out.push(`${pid}: ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Nothing of any container is left under `root`: records, mounts, netns files, processes. */
export function leftovers(root: string): string[] {
  const found: string[] = [];
  const containers = join(root, 'containers');
  if (existsSync(containers))
    found.push(
      ...readdirSync(containers)
        .filter((d) => d !== '.index')
        .map((d) => `container dir ${d}`),
    );
  // The container index (.index) stays, without an entry for a removed container.
  for (const sub of ['names', 'running']) {
    const dir = join(containers, '.index', sub);
    if (existsSync(dir)) found.push(...readdirSync(dir).map((n) => `index ${sub}/${n}`));
  }
  found.push(
    ...readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(root))
      .map((l) => `mount ${l.split(' ')[4]}`),
  );
  const netns = join(root, 'run', 'netns');
  if (existsSync(netns)) found.push(...readdirSync(netns).map((n) => `netns ${n}`));
  found.push(...processesUnder(root).map((p) => `process ${p}`));
  return found;
}

/** Waits a little for monitors finishing their exit command, then asserts nothing is left. */
export async function assertNothingLeft(root: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let left = leftovers(root);
  while (left.length && Date.now() < deadline) {
    await sleep(100);
    left = leftovers(root);
  }
  assert.deepEqual(left, [], 'left behind');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
