// Docker's words for a command it does not know: `docker: 'compose' is not a docker command.`,
// `See 'docker --help'`, exit 1, with cobra's "Did you mean this?" for a near miss.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isTuiInvocation } from '../../src/cli/invocation.js';
import { unknownCommand } from '../../src/cli/main.js';
import { runCli, tempRoot } from '../helpers/env.js';

describe('unknown commands', () => {
  const t = tempRoot('dockui-words-');
  after(() => t.cleanup());

  it('a first word that is neither a verb nor a folder is an unknown command (exit 1, nothing on stdout)', async () => {
    // `trust`: a docker command dockui does not have (`compose` was one until issue 15).
    const [trust, pss, flags] = await Promise.all([
      runCli(['trust', 'inspect'], { root: t.root }),
      runCli(['pss'], { root: t.root }),
      runCli(['--debug', 'imagse', '-a'], { root: t.root }),
    ]);
    assert.equal(trust.code, 1);
    assert.equal(trust.stdout, '');
    assert.equal(trust.stderr, "dockui: 'trust' is not a dockui command.\nSee 'dockui --help'\n");
    assert.equal(pss.code, 1);
    // Nearest first: ps (one edit), then pod and push (two).
    assert.equal(pss.stderr, "dockui: 'pss' is not a dockui command.\nDid you mean this?\n\tps\n\tpod\n\tpush\nSee 'dockui --help'\n");
    assert.equal(flags.code, 1);
    assert.match(flags.stderr, /^dockui: 'imagse' is not a dockui command\.\nDid you mean this\?\n\timage\n\timages\n/);
  });

  it('suggests every verb within an edit distance of 2, nearest first', () => {
    assert.match(unknownCommand('strat'), /Did you mean this\?\n\tstart\n/);
    assert.match(unknownCommand('buidl'), /\tbuild\n/);
    assert.doesNotMatch(unknownCommand('kubernetes'), /Did you mean/);
  });

  it('folders (existing, or written as paths) still open the terminal UI; verbs do not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockui-words-dir-'));
    try {
      assert.equal(isTuiInvocation([]), true);
      assert.equal(isTuiInvocation([dir]), true);
      assert.equal(isTuiInvocation(['./not-yet-there']), true);
      assert.equal(isTuiInvocation(['--root', dir, dir]), true);
      assert.equal(isTuiInvocation(['--root', dir, '-p', '8080:80', dir]), true);
      assert.equal(isTuiInvocation(['compose', 'up']), false);
      assert.equal(isTuiInvocation(['ps']), false);
      assert.equal(isTuiInvocation(['--help']), false);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
