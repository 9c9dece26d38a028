// `logs --details` (issue 14): docker's daemon puts a line's log attributes before it — the
// labels and environment variables named by --log-opt labels/labels-regex/env/env-regex and
// the tag, "k=v,k2=v2 " with keys sorted and url.QueryEscape'd — and a lone space when there
// are none. Expected output is docker 20.10's (json-file) for the same containers, through the
// real CLI and through the Engine API (the docker client sends details=1).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';
import { cleanupService, startService, type TestService } from '../api/service.js';

const script = 'echo one; echo two >&2';
const attrs = ['--label', 'a=hello world,x&y', '--label', 'b=2', '-e', 'Z=1=2', '--log-opt', 'labels=b,a,missing'];
const moreAttrs = ['--log-opt', 'env=Z', '--log-opt', 'env-regex=^P', '--log-opt', 'tag={{.Name}}/x'];
const pathAttr = 'PATH=%2Fusr%2Flocal%2Fsbin%3A%2Fusr%2Flocal%2Fbin%3A%2Fusr%2Fsbin%3A%2Fusr%2Fbin%3A%2Fsbin%3A%2Fbin';
const prefix = (name: string) => `${pathAttr},Z=1%3D2,a=hello+world%2Cx%26y,b=2,tag=${name}%2Fx `;

describe('logs --details', () => {
  const t = tempRoot('dockui-hab-details-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;
  let s: TestService | undefined;

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
  });
  after(async () => {
    await cli(['rm', '-f', 'hab-plain', 'hab-attrs']);
    if (s) await cleanupService(s);
    t.cleanup();
  });

  it('CLI: a space before each line with no attributes, the sorted, escaped attributes with them', async () => {
    const [plain, withAttrs] = await Promise.all([
      cli(['run', '-d', '--name', 'hab-plain', image, 'sh', '-c', script]),
      cli(['run', '-d', '--name', 'hab-attrs', ...attrs, ...moreAttrs, image, 'sh', '-c', script]),
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(withAttrs.code, 0, withAttrs.stderr);
    assert.equal((await cli(['wait', 'hab-plain', 'hab-attrs'])).stdout, '0\n0\n');
    const [p, a, stamped, bare] = await Promise.all([
      cli(['logs', '--details', 'hab-plain']),
      cli(['logs', '--details', 'hab-attrs']),
      cli(['logs', '--details', '-t', '--tail', '1', 'hab-attrs']),
      cli(['logs', 'hab-attrs']),
    ]);
    assert.deepEqual([p.stdout, p.stderr], [' one\n', ' two\n']);
    assert.deepEqual([a.stdout, a.stderr], [`${prefix('hab-attrs')}one\n`, `${prefix('hab-attrs')}two\n`]);
    // The time comes first, then the attributes, as docker prints them (UTC, nine digits, Z).
    assert.match(
      stamped.stderr,
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z ${prefix('hab-attrs').replace(/[.+]/g, '\\$&')}two\\n$`),
    );
    assert.deepEqual([bare.stdout, bare.stderr], ['one\n', 'two\n'], 'without --details the lines are as written');
    const cfg = await cli([
      'inspect',
      '-f',
      '{{index .HostConfig.LogConfig.Config "labels"}} {{index .HostConfig.LogConfig.Config "tag"}}',
      'hab-attrs',
    ]);
    assert.equal(cfg.stdout, 'b,a,missing {{.Name}}/x\n');
  });

  it("the tag's {{.ImageName}} is the image as run named it (docker's Config.Image)", async () => {
    const r = await cli(['run', '--name', 'hab-imgname', '--log-opt', 'tag={{.ImageName}}', image, 'echo', 'x']);
    assert.equal(r.code, 0, r.stderr);
    const d = await cli(['logs', '--details', 'hab-imgname']);
    await cli(['rm', 'hab-imgname']);
    // $image has no tag: the tag holds none either (it held the resolved name with ":latest").
    assert.equal(d.stdout, `tag=${encodeURIComponent(image)} x\n`);
  });

  it('a bad tag template or log option is refused before anything is made', async () => {
    const [tag, opt] = await Promise.all([
      cli(['run', '--name', 'hab-bad', '--log-opt', 'tag={{.Bad}}', image, 'true']),
      cli(['create', '--name', 'hab-bad2', '--log-opt', 'nope=1', image]),
    ]);
    assert.equal(tag.code, 125);
    assert.match(tag.stderr, /^dockui: invalid --log-opt tag=\{\{\.Bad\}\}: no field Bad \(use \{\{\.ID\}\}.*\)\n$/);
    assert.equal(opt.code, 1);
    assert.match(opt.stderr, /^dockui: unknown log option "nope" \(the k8s-file log takes max-size, max-file, labels, /);
    const ps = await cli(['ps', '-a', '--format', '{{.Names}}']);
    assert.doesNotMatch(ps.stdout, /hab-bad/);
  });

  it('API: the docker client sends details=1 and the log options in LogConfig.Config', async () => {
    s = await startService({ root: mkdtempSync('/var/tmp/dockui-hab-details-api-') });
    assert.equal((await s.docker(['pull', '-q', image])).code, 0);
    const run = await s.docker(['run', '--name', 'hab-api', ...attrs, ...moreAttrs, image, 'sh', '-c', script]);
    assert.equal(run.code, 0, run.stderr);
    const [d, plain] = await Promise.all([s.docker(['logs', '--details', 'hab-api']), s.docker(['logs', 'hab-api'])]);
    assert.deepEqual([d.stdout, d.stderr], [`${prefix('hab-api')}one\n`, `${prefix('hab-api')}two\n`]);
    assert.deepEqual([plain.stdout, plain.stderr], ['one\n', 'two\n']);
  });
});
