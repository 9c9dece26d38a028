// `dockui exec --env-file` and `--privileged` through the real CLI and runc: the file's
// variables (then -e over them), and every capability for that one process while the container
// and its other execs keep Docker's default set.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

const capEff = (status: string) => BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
const CAP_SYS_ADMIN = 21n;

describe('dockui exec --env-file and --privileged', () => {
  const t = tempRoot('dockui-exec-flags-');
  const dir = mkdtempSync(join(tmpdir(), 'dockui-exec-env-'));
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;

  before(async () => {
    const run = await cli(['run', '-d', '--name', 'exec-flags', image, 'sleep', '60']);
    assert.equal(run.code, 0, run.stderr);
  });
  after(async () => {
    await cli(['rm', '-f', 'exec-flags']);
    t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads variables from --env-file; -e wins over the file; a missing file is one line', async () => {
    const file = join(dir, 'vars.env');
    writeFileSync(file, '# comment\nFROM_FILE=file value\n\nBOTH=from the file\n');
    const r = await cli(['exec', '--env-file', file, '-e', 'BOTH=from -e', 'exec-flags', 'sh', '-c', 'echo "$FROM_FILE|$BOTH"']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'file value|from -e\n');
    const missing = await cli(['exec', '--env-file', join(dir, 'nope.env'), 'exec-flags', 'true']);
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stderr, `dockui: open ${join(dir, 'nope.env')}: no such file or directory\n`);
  });

  it('--privileged gives that process every capability, the others keep the default set', async () => {
    const plain = await cli(['exec', 'exec-flags', 'cat', '/proc/self/status']);
    assert.equal(plain.code, 0, plain.stderr);
    const priv = await cli(['exec', '--privileged', 'exec-flags', 'cat', '/proc/self/status']);
    assert.equal(priv.code, 0, priv.stderr);
    assert.equal((capEff(plain.stdout) >> CAP_SYS_ADMIN) & 1n, 0n, 'no CAP_SYS_ADMIN by default');
    assert.equal((capEff(priv.stdout) >> CAP_SYS_ADMIN) & 1n, 1n, 'CAP_SYS_ADMIN with --privileged');
    assert.ok(capEff(priv.stdout) > capEff(plain.stdout));
    const after = await cli(['exec', 'exec-flags', 'cat', '/proc/self/status']);
    assert.equal(capEff(after.stdout), capEff(plain.stdout), 'the next exec is back to the default set');
  });
});
