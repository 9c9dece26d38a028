// terminalFor (src/cli/tty-size.ts) in a real pty (util-linux `script`): the terminal is raw with
// output processing off before runc takes it — Node's raw mode (libuv's) keeps \n → \r\n, and
// what a container printed before runc made the terminal raw came out as \r\r\n (the flake of
// test/api/docker-cli.test.ts "exec -it and run -it in a real pty") — and is put back after.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ttySize = fileURLToPath(new URL('../../src/cli/tty-size.ts', import.meta.url));

describe('terminalFor', () => {
  it('turns output processing off (stty -opost) with raw mode, and restores both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockui-tty-'));
    try {
      const file = join(dir, 'probe.mjs');
      writeFileSync(
        file,
        `import { spawnSync } from 'node:child_process';
const { terminalFor } = await import(${JSON.stringify(ttySize)});
const flags = () => spawnSync('stty', ['-a'], { stdio: ['inherit', 'pipe', 'inherit'] }).stdout.toString().split(/\\s+/).filter((x) => /^-?(opost|icanon)$/.test(x)).join(' ');
const before = flags();
const restore = await terminalFor(true);
const during = flags();
restore();
const after = flags();
process.stdout.write(JSON.stringify({ before, during, after }) + '\\n');
process.exit(0);
`,
      );
      const r = spawnSync('script', ['-qec', `stty rows 24 cols 80; ${process.execPath} --import tsx ${file}`, '/dev/null'], {
        encoding: 'utf8',
        input: '',
        timeout: 30_000,
      });
      const line = r.stdout.split('\n').find((l) => l.includes('"during"'));
      assert.ok(line, r.stdout + r.stderr);
      const got = JSON.parse(line.trim()) as { before: string; during: string; after: string };
      assert.equal(got.before, 'opost icanon');
      assert.equal(got.during, '-opost -icanon');
      assert.equal(got.after, 'opost icanon');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
