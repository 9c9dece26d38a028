// `docker cp` as its reference page describes it: SRC a file → DEST a file, or into DEST when it
// is a directory; SRC a directory → DEST made with its content, or SRC copied into an existing
// DEST; SRC ending in "/." copies the content; "-" streams a tar archive; -a keeps uid/gid,
// otherwise files in the container are root's. Both directions, a running and a stopped
// container, and hostile links planted by the container: every one resolved inside its root.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

/** An archive's headers: name, mode, uid, gid, uname, gname, type, linkname, size (the fields as written). */
function headers(tar: Buffer): string[] {
  const out: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((c) => c === 0)) break;
    const f = (o: number, n: number) =>
      h
        .subarray(o, o + n)
        .toString('latin1')
        .replace(/\0+$/, '');
    const size = Number.parseInt(f(124, 12), 8);
    out.push([f(0, 100), f(100, 8), f(108, 8), f(116, 8), f(265, 32), f(297, 32), f(156, 1), f(157, 100), size].join(' '));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('compat: cp', () => {
  const s = scenario('cp');
  const host = mkdtempSync('/var/tmp/dockui-h14-cp-host-');
  const sh = (script: string) => s.sh(`cd ${host}\n${script}`);
  before(async () => {
    const r = await s.sh(`$DOCKER pull -q $IMAGE >/dev/null
      $DOCKER run -d --name h14-cp $IMAGE sh -c '
        mkdir -p /data/sub && echo hello > /data/a && echo deep > /data/sub/b && chown 1234:99 /data/a &&
        ln -s /etc/passwd /data/link && ln -s / /evil && ln -s ../../../../../.. /up && ln -s /tmp/missing /dangling &&
        touch /ready && exec sleep 1000'`);
    assert.equal(r.code, 0, r.stderr);
    await s.until('$DOCKER exec h14-cp ls /ready', (o) => o === '/ready');
  });
  after(async () => {
    await s.sh('$DOCKER rm -f h14-cp h14-cp-stopped >/dev/null 2>&1; true');
    rmSync(host, { recursive: true, force: true });
    s.cleanup();
  });

  it("container → host: a file, a file into a directory, a directory, a directory's content", async () => {
    const r = await sh(`
      mkdir into && $DOCKER cp h14-cp:/data/a file.txt && $DOCKER cp h14-cp:/data/a into &&
      $DOCKER cp h14-cp:/data tree && $DOCKER cp h14-cp:/data into && $DOCKER cp h14-cp:/data/. content &&
      cat file.txt into/a; find tree into/data content | sort; readlink tree/link; stat -c '%u:%g' file.txt`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'hello\nhello\ncontent\ncontent/a\ncontent/link\ncontent/sub\ncontent/sub/b\ninto/data\ninto/data/a\ninto/data/link\ninto/data/sub\ninto/data/sub/b\ntree\ntree/a\ntree/link\ntree/sub\ntree/sub/b\n/etc/passwd\n0:0\n',
    );
    // -a keeps the owner the file has in the container.
    const a = await sh(`$DOCKER cp -a h14-cp:/data/a owned && stat -c '%u:%g' owned`);
    assert.equal(a.stdout, '1234:99\n');
  });

  it('host → container: a file, into a directory, a directory; owned by root unless -a', async () => {
    const r = await sh(`
      echo from-host > h.txt && chown 4321:77 h.txt && mkdir -p hd/x && echo y > hd/x/y &&
      $DOCKER cp h.txt h14-cp:/tmp/renamed && $DOCKER cp h.txt h14-cp:/data/ && $DOCKER cp hd h14-cp:/data && $DOCKER cp -a h.txt h14-cp:/tmp/kept &&
      $DOCKER exec h14-cp sh -c 'cat /tmp/renamed /data/h.txt /data/hd/x/y; stat -c %u:%g /tmp/renamed /tmp/kept'`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'from-host\nfrom-host\ny\n0:0\n4321:77\n');
  });

  it("tar streams with '-': out to stdout, in from stdin into a directory", async () => {
    const out = await sh(`$DOCKER cp h14-cp:/data/sub - | tar -tvf - | awk '{print $1, $2, $6}' | LC_ALL=C sort`);
    assert.equal(out.stdout, '-rw-r--r-- root/root sub/b\ndrwxr-xr-x root/root sub/\n');
    const inn = await sh(
      `mkdir -p t/in && echo t > t/in/f && tar -C t -cf - in | $DOCKER cp - h14-cp:/tmp && $DOCKER exec h14-cp cat /tmp/in/f`,
    );
    assert.equal(inn.stdout, 't\n', inn.stderr);
  });

  it("'-' writes docker's tar headers: type bits in the mode, the container's owner names, hard links, fifos", async () => {
    // What a reference dockerd 20.10.24 wrote for the same commands (its pkg/archive): st_mode's
    // type bits kept in the mode field, uname/gname from the container's /etc/passwd and
    // /etc/group (uid 1 is the host's "daemon" but the container's "zed"; 4242 is nobody's),
    // a second name of a file as a hard link entry, a fifo as an entry; "/." named "./".
    const r = await sh(`$DOCKER exec h14-cp sh -c '
      mkdir -p /hdr/sg && echo x > /hdr/f && chown 1:2 /hdr/f && chmod 4755 /hdr/f && ln /hdr/f /hdr/hard && mkfifo /hdr/fifo &&
      ln -s f /hdr/link && chmod 3775 /hdr/sg && touch /hdr/nob && chown 65534:65534 /hdr/nob && touch /hdr/none && chown 4242:4242 /hdr/none &&
      echo "zed:x:1:1::/:/bin/sh" >> /etc/passwd && echo "grp:x:2:" >> /etc/group' &&
      $DOCKER cp h14-cp:/hdr - | base64 -w0 && echo && $DOCKER cp h14-cp:/hdr/. - | base64 -w0`);
    assert.equal(r.code, 0, r.stderr);
    const [whole, content] = r.stdout.split('\n').map((l) => headers(Buffer.from(l, 'base64')));
    const want = (top: string) => [
      `${top}/ 0040755 0000000 0000000 root root 5  0`,
      `${top}/f 0104755 0000001 0000002 zed grp 0  2`,
      `${top}/fifo 0010644 0000000 0000000 root root 6  0`,
      `${top}/hard 0104755 0000001 0000002 zed grp 1 ${top}/f 0`,
      `${top}/link 0120777 0000000 0000000 root root 2 f 0`,
      `${top}/nob 0100644 0177776 0177776 nobody nogroup 0  0`,
      `${top}/none 0100644 0010222 0010222   0  0`,
      `${top}/sg/ 0043775 0000000 0000000 root root 5  0`,
    ];
    assert.deepEqual(whole, want('hdr'));
    assert.deepEqual(content, want('.'));
  });

  it("the container's links are resolved inside its root, in both directions", async () => {
    const r = await sh(`
      $DOCKER cp h14-cp:/evil/etc/hostname via-link && $DOCKER cp h14-cp:/up/etc/hostname via-dotdot &&
      echo planted > p && $DOCKER cp p h14-cp:/evil/tmp/ && $DOCKER cp p h14-cp:/up/tmp/up-planted &&
      $DOCKER cp p h14-cp:/dangling &&
      cat via-link via-dotdot; $DOCKER exec h14-cp sh -c 'cat /tmp/p /tmp/up-planted /tmp/missing; readlink /dangling'`);
    assert.equal(r.code, 0, r.stderr);
    const hostname = (await s.sh(`$DOCKER inspect -f '{{.Config.Hostname}}' h14-cp`)).stdout;
    // The container's /etc/hostname, never the host's; its /tmp, never the host's.
    assert.equal(r.stdout, `${hostname}${hostname}planted\nplanted\nplanted\n/tmp/missing\n`);
    assert.equal(existsSync('/tmp/p'), false);
    assert.equal(existsSync('/tmp/up-planted'), false);
    // A link at the destination is followed as docker cp does, inside the container: its
    // /tmp/missing was written, the host's stays absent.
    assert.equal(existsSync('/tmp/missing'), false);
    // A link copied out stays a link (to the container's path), not the host file it would name.
    const l = await sh(`$DOCKER cp h14-cp:/data/link l && readlink l`);
    assert.equal(l.stdout, '/etc/passwd\n');
    // -L follows SRC itself, inside the container.
    const f = await sh(`$DOCKER cp -L h14-cp:/data/link followed && head -c 5 followed`);
    assert.equal(f.stdout, 'root:');
  });

  it('a stopped container: copies both ways through its overlay', async () => {
    const r = await sh(`$DOCKER run --name h14-cp-stopped $IMAGE sh -c 'echo before > /f' &&
      $DOCKER cp h14-cp-stopped:/f f-out && echo after > f-in && $DOCKER cp f-in h14-cp-stopped:/f2 &&
      $DOCKER start h14-cp-stopped >/dev/null && $DOCKER wait h14-cp-stopped >/dev/null; $DOCKER cp h14-cp-stopped:/f2 - | tar -xOf -; cat f-out`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'after\nbefore\n');
  });

  it("errors in docker cp's words, exit 1", async () => {
    const r = await sh(`
      $DOCKER cp h14-cp:/nope x; echo "code $?"
      $DOCKER cp nope-ctr:/a x; echo "code $?"
      $DOCKER cp h14-cp:/a h14-cp:/b; echo "code $?"
      $DOCKER cp a b; echo "code $?"
      mkdir -p adir && $DOCKER cp adir h14-cp:/data/a; echo "code $?"`);
    assert.equal(r.stdout, 'code 1\ncode 1\ncode 1\ncode 1\ncode 1\n');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines[0], 'dockui: No such container:path: h14-cp:/nope');
    assert.match(lines[1]!, /no such container: nope-ctr/i);
    assert.equal(lines[2], 'dockui: copying between containers is not supported');
    assert.equal(lines[3], 'dockui: must specify at least one container source');
    assert.equal(lines[4], 'dockui: cannot copy a directory to a file');
  });
});
