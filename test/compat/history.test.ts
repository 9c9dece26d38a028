// `dockui history` through the real CLI on an image built here from the fixture busybox: one
// row per history step, newest first, the image id on top and <missing> below, docker's
// columns, -q, --no-trunc, -H=false and --format.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('dockui history', () => {
  const t = tempRoot('dockui-history-');
  const ctxDir = mkdtempSync(join(tmpdir(), 'dockui-history-ctx-'));
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root, env: { TZ: 'UTC' } });
  const base = `${registry('plain')}/fixture/busybox`;
  const run = 'RUN echo hello > /hello.txt && echo "a very long command line that goes on and on"';
  let id = '';

  before(async () => {
    writeFileSync(join(ctxDir, 'Dockerfile'), `FROM ${base}\nENV A=1\n${run}\nLABEL x=y\n`);
    const b = await cli(['build', '-q', '-t', 'hist:1', ctxDir]);
    assert.equal(b.code, 0, b.stderr);
    id = b.stdout.trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
  });
  after(() => {
    t.cleanup();
    rmSync(ctxDir, { recursive: true, force: true });
  });

  it('the default table: IMAGE, CREATED, CREATED BY (cut at 45 with …), SIZE, COMMENT', async () => {
    const r = await cli(['history', 'hist:1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^IMAGE {10}CREATED {2,}CREATED BY {38}SIZE {6}COMMENT$/);
    assert.equal(lines.length, 6);
    // The build finished a moment ago: under a second, or a few on a loaded host.
    assert.match(
      lines[1]!,
      new RegExp(`^${id.slice(7, 19)} {3}(Less than a second|[1-9] seconds) ago {3,}LABEL x=y {39}0B {8}buildkit\\.dockerfile\\.v0$`),
    );
    assert.match(lines[2]!, /^<missing> {6}\S.* {3}RUN echo hello > \/hello\.txt && echo "a very … {3}6B {8}buildkit\.dockerfile\.v0$/);
    assert.match(lines[4]!, /^<missing> {6}\d+ years? ago {3,}fixture layer 0 {3,}1\.98MB {4}$/);
  });

  it('--format, -q, --no-trunc and -H=false', async () => {
    const [fmt, q, full, json, fullBy, bad, none, ghost] = await Promise.all([
      cli(['history', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}', 'hist:1']),
      cli(['history', '-q', 'hist:1']),
      cli(['history', '--no-trunc', '-H=false', '--format', '{{.ID}} {{.Size}} {{.CreatedSince}}', 'hist:1']),
      cli(['history', '--format', 'json', 'hist:1']),
      cli(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'hist:1']),
      cli(['history', '--format', '{{.Nope}}', 'hist:1']),
      cli(['history']),
      cli(['history', 'no-such-image:1']),
    ]);
    assert.equal(fmt.code, 0, fmt.stderr);
    assert.equal(
      fmt.stdout,
      [
        `${id.slice(7, 19)}|LABEL x=y|0B|buildkit.dockerfile.v0`,
        '<missing>|RUN echo hello > /hello.txt && echo "a very …|6B|buildkit.dockerfile.v0',
        '<missing>|ENV A=1|0B|buildkit.dockerfile.v0',
        '<missing>|fixture layer 0|1.98MB|',
        '',
      ].join('\n'),
    );
    assert.equal(q.stdout, `${id.slice(7, 19)}\n<missing>\n<missing>\n<missing>\n`);
    assert.equal((await cli(['image', 'history', '-q', 'hist:1'])).stdout, q.stdout);
    const fl = full.stdout.split('\n');
    assert.match(fl[0]!, new RegExp(`^${id} 0 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
    assert.match(fl[1]!, /^<missing> 6 /);
    assert.match(fl[3]!, /^<missing> 1982358 2023-11-14T22:13:20Z$/);
    const rows = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(rows.length, 4);
    assert.deepEqual(Object.keys(rows[1]!), ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size']);
    // Cut in json too, as docker's context is; --no-trunc shows BuildKit's whole created_by.
    assert.equal(rows[1]!.CreatedBy, 'RUN echo hello > /hello.txt && echo "a very …');
    assert.match(full.stdout, /^<missing> 6 /m);
    assert.equal(fullBy.stdout.split('\n')[1], `${run} # buildkit`);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /can't evaluate field Nope in type \*formatter\.historyContext/);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /'dockui history' requires exactly 1 argument/);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /no-such-image/);
  });
});
