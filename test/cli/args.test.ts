import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';
import { isEngineError } from '../../src/engine/define.js';
import { runCli, tempRoot } from '../helpers/env.js';

const runSpec = {
  detach: { short: 'd' },
  interactive: { short: 'i' },
  tty: { short: 't' },
  publish: { short: 'p', value: true, multi: true },
  name: { value: true },
} as const;

describe('parseArgs', () => {
  it('combines short flags and reads attached values', () => {
    const { flags, positionals } = parseArgs('run', ['-itd', '-p8080:80', '-p', '1:2', '--name=x', 'img', '-x'], runSpec, {
      stopAtPositional: true,
    });
    assert.equal(flags.detach, true);
    assert.equal(flags.tty, true);
    assert.deepEqual(flags.publish, ['8080:80', '1:2']);
    assert.equal(flags.name, 'x');
    assert.deepEqual(positionals, ['img', '-x']);
  });

  it('rejects an unknown flag with a one-line error', () => {
    assert.throws(
      () => parseArgs('run', ['--nope'], runSpec),
      (e: unknown) => isEngineError(e) && e.code === 'invalid_argument' && /unknown flag: --nope/.test(e.message),
    );
  });

  it('rejects a missing flag value', () => {
    assert.throws(() => parseArgs('run', ['--name'], runSpec), /needs an argument/);
  });
});

describe('dockui binary', () => {
  it("answers an unknown verb in docker's words and exit 1", async () => {
    const t = tempRoot();
    try {
      const r = await runCli(['frobnicate'], { root: t.root });
      // A word that is neither a verb nor a folder is an unknown command (test/compat/cli-words.test.ts).
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "dockui: 'frobnicate' is not a dockui command.\nSee 'dockui --help'\n");
    } finally {
      t.cleanup();
    }
  });

  it('prints its version', async () => {
    const t = tempRoot();
    try {
      const r = await runCli(['version'], { root: t.root });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /dockui 0\.1\.0/);
    } finally {
      t.cleanup();
    }
  });
});
