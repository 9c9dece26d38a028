// `docker export` as its reference page describes it: the container's filesystem as a tar
// archive on stdout or in -o FILE, running or stopped, its changes included and its volumes not;
// a refusal to write to a terminal; a missing container leaves no file behind.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: export', () => {
  const s = scenario('export');
  const dir = mkdtempSync('/var/tmp/dockui-h14-export-out-');
  before(async () => {
    const r = await s.sh(
      `$DOCKER pull -q $IMAGE >/dev/null && $DOCKER run -d --name h14-ex -v /vol $IMAGE sh -c 'echo changed > /marker; echo v > /vol/in-volume; rm /bin/vi; sleep 1000' >/dev/null`,
    );
    assert.equal(r.code, 0, r.stderr);
    await s.until(`$DOCKER exec h14-ex cat /marker`, (o) => o === 'changed');
  });
  after(async () => {
    await s.sh('$DOCKER rm -f -v h14-ex >/dev/null 2>&1; true');
    rmSync(dir, { recursive: true, force: true });
    s.cleanup();
  });

  it('stdout and -o: the merged filesystem with the changes, no volume content', async () => {
    const r = await s.sh(
      `cd ${dir} && $DOCKER export h14-ex > a.tar && $DOCKER export -o b.tar h14-ex && diff <(tar -tf a.tar) <(tar -tf b.tar) && tar -xOf a.tar ./marker && tar -tf a.tar | grep -c -e '^./bin/vi$' -e '^./vol/in-volume$' -e '^./bin/sh$'`,
    );
    assert.equal(r.stdout, 'changed\n1\n', r.stderr);
  });

  it('a stopped container exports the same files', async () => {
    const r = await s.sh(`cd ${dir} && $DOCKER stop -t 0 h14-ex >/dev/null && $DOCKER export h14-ex | tar -xOf - ./marker`);
    assert.equal(r.stdout, 'changed\n', r.stderr);
  });

  it('errors: a missing container (no file left), no argument', async () => {
    const r = await s.sh(`cd ${dir} && $DOCKER export -o c.tar nope-ctr; echo "code $?"; ls; $DOCKER export; echo "code $?"`);
    assert.match(r.stdout, /^code 1\na\.tar\nb\.tar\ncode 1\n$/);
    assert.match(r.stderr, /no such container: nope-ctr/i);
    assert.match(r.stderr, /"dockui export" requires exactly 1 argument/);
    assert.equal(existsSync(`${dir}/c.tar`), false);
  });
});
