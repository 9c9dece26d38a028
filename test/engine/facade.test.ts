// Contract of the engine's public API (src/engine/index.ts) against the real engine: the fixture
// registry, real runc. Each operation's report shape and its error kinds (EngineError codes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isEngineError, type ErrorCode } from '../../src/engine/define.js';
import { createEngine, openEngine, type DockuiEngine } from '../../src/engine/index.js';
import { fixtureUser, registry, runCli, tempRoot } from '../helpers/env.js';

const hex64 = /^[0-9a-f]{64}$/;
const digest = /^sha256:[0-9a-f]{64}$/;

/** Asserts `p` rejects with an EngineError of this code (and a one-line message). */
async function rejectsWith(p: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode): Promise<void> {
  await assert.rejects(typeof p === 'function' ? p() : p, (e: unknown) => {
    assert.ok(isEngineError(e), `not an EngineError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('engine facade (src/engine/index.ts)', { timeout: 300_000 }, () => {
  const t = tempRoot('dockui-facade-');
  const reg = registry('plain');
  const busybox = `${reg}/fixture/busybox:latest`;
  let engine: DockuiEngine;

  before(async () => {
    engine = openEngine({ root: join(t.root, 'engine') });
    await engine.images.pull(busybox);
  });
  after(async () => {
    for (const c of await engine.containers.list({ all: true }))
      await engine.containers.remove(c.id, { force: true }).catch(() => undefined);
    await engine.close();
    t.cleanup();
  });

  it('opens without touching the disk; operations load what they need', async () => {
    const root = join(t.root, 'untouched');
    const e = openEngine({ root, insecureRegistries: [] });
    assert.equal(e.paths.root, root);
    assert.equal(e.paths.runRoot, join(root, 'run'));
    assert.equal(existsSync(root), false);
    assert.deepEqual(await e.containers.list({ all: true }), []);
    assert.deepEqual(e.containers.getSnapshot(), []);
    // Before any listing the snapshot is one array (React's useSyncExternalStore loops on a new one).
    assert.equal(e.containers.getSnapshot(), e.containers.getSnapshot());
    assert.deepEqual(await e.volumes.list(), []);
    assert.equal(existsSync(root), false, 'listing created nothing');
    await e.close();
  });

  describe('images', () => {
    it('pull reports the image, its reference and whether anything was fetched', async () => {
      const r = await engine.images.pull(busybox);
      assert.equal(r.ref, busybox);
      assert.match(r.id, digest);
      assert.match(r.digest, digest);
      assert.equal(r.upToDate, true);
      assert.equal(r.downloaded, 0);
      assert.ok(r.names.includes(busybox));
      assert.ok(r.size > 0);
      assert.equal(typeof r.platform, 'string');
    });

    it('list, inspect and inspectJson describe it', async () => {
      const list = await engine.images.list();
      const img = list.find((i) => i.names.includes(busybox));
      assert.ok(img);
      assert.match(img.id, digest);
      assert.equal(img.inUse, 0);
      const d = await engine.images.inspect(busybox);
      assert.equal(d.summary.id, img.id);
      assert.equal(d.os, 'linux');
      assert.ok(d.layers.length > 0);
      assert.match(d.layers[0]!.diffId, digest);
      const j = await engine.images.inspectJson(img.id.slice(7, 19));
      assert.equal(j['Id'], img.id);
    });

    it('tag and removeMany: one result per name, in order, failures as EngineErrors', async () => {
      await engine.images.tag(busybox, 'facade/copy:one');
      const tagged = (await engine.images.list()).find((i) => i.names.includes('docker.io/facade/copy:one'));
      assert.ok(tagged);
      const r = await engine.images.removeMany(['facade/copy:one', 'facade/nothing:here', 'NOT A NAME']);
      assert.equal(r.results.length, 3);
      const [ok, missing, bad] = r.results;
      assert.ok(ok && 'untagged' in ok);
      assert.deepEqual(ok.untagged, ['docker.io/facade/copy:one']);
      assert.deepEqual(ok.deleted, []);
      assert.ok(missing && 'error' in missing && bad && 'error' in bad);
      assert.equal(missing.error.code, 'not_found');
      assert.equal(bad.error.code, 'invalid_argument');
      assert.ok(
        (await engine.images.list()).some((i) => i.names.includes(busybox)),
        'the other name stays',
      );
    });

    it('history lists the config history newest first, the image id on top', async () => {
      const h = await engine.images.history(busybox);
      const img = await engine.images.inspect(busybox);
      assert.ok(h.length >= 1);
      assert.equal(h[0]!.id, img.summary.id);
      assert.ok(h.slice(1).every((e) => e.id === '<missing>'));
      assert.ok(
        h.some((e) => e.size > 0),
        'a step with a layer has its size',
      );
      assert.ok(h.every((e) => typeof e.createdBy === 'string' && typeof e.comment === 'string'));
      await rejectsWith(engine.images.history(`${reg}/fixture/nothing-here:latest`), 'not_found');
    });

    it('errors: not_found, invalid_argument', async () => {
      await rejectsWith(engine.images.inspect('facade/nothing:here'), 'not_found');
      await rejectsWith(engine.images.inspectJson('facade/nothing:here'), 'not_found');
      await rejectsWith(engine.images.tag('facade/nothing:here', 'facade/x:y'), 'not_found');
      await rejectsWith(engine.images.tag(busybox, 'Bad Name'), 'invalid_argument');
      await rejectsWith(engine.images.remove('facade/nothing:here'), 'not_found');
      await rejectsWith(engine.images.pull(`${reg}/fixture/busybox:not a tag`), 'invalid_argument');
      await rejectsWith(engine.images.pull(`${reg}/fixture/does-not-exist:latest`), 'not_found');
      await rejectsWith(engine.images.push('facade/nothing:here'), 'not_found');
    });

    it('save to a file, load it back, import a rootfs tarball', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dockui-facade-archive-'));
      try {
        const file = join(dir, 'bb.tar');
        await engine.images.save([busybox], { file });
        assert.ok(existsSync(file));
        const other = openEngine({ root: join(t.root, 'other') });
        const layers: string[] = [];
        const loaded = await other.images.load({ file }, { onLayer: (d) => layers.push(d) });
        assert.equal(loaded.length, 1);
        assert.match(loaded[0]!.id, digest);
        assert.deepEqual(loaded[0]!.refs, [busybox]);
        assert.ok(layers.length > 0);
        await rejectsWith(other.images.load({ file: join(dir, 'missing.tar') }), 'not_found');
        await rejectsWith(other.images.save(['facade/nothing:here'], { file: join(dir, 'x.tar') }), 'not_found');

        mkdirSync(join(dir, 'rootfs'));
        writeFileSync(join(dir, 'rootfs', 'hello.txt'), 'hi\n');
        execFileSync('tar', ['-C', join(dir, 'rootfs'), '-cf', join(dir, 'rootfs.tar'), '.']);
        const imp = await other.images.importRootfs(createReadStream(join(dir, 'rootfs.tar')), 'facade/imported:1', { message: 'm' });
        assert.equal(imp.ref, 'docker.io/facade/imported:1');
        assert.match(imp.id, digest);
        assert.match(imp.diffId, digest);
        assert.ok((await other.images.list()).some((i) => i.id === imp.id));
        await other.close();
      } finally {
        execFileSync('rm', ['-rf', dir]);
      }
    });

    it('prune reports what gc freed', async () => {
      const r = await engine.images.prune();
      for (const k of ['blobsRemoved', 'layersRemoved', 'tempRemoved', 'bytesFreed'] as const) assert.equal(typeof r[k], 'number');
      assert.ok(Array.isArray(r.imagesRemoved) && Array.isArray(r.untagged));
      assert.ok(
        (await engine.images.list()).some((i) => i.names.includes(busybox)),
        'a named image is not dangling',
      );
    });
  });

  describe('containers', () => {
    it('create, start, logs, wait, inspect, rename, remove: reports and states', async () => {
      const c = await engine.containers.create({
        image: busybox,
        name: 'facade-one',
        network: 'none',
        cmd: ['sh', '-c', 'echo out; echo err >&2'],
      });
      assert.match(c.id, hex64);
      assert.equal(c.name, 'facade-one');
      assert.equal(c.state, 'created');
      assert.equal(c.command, "sh -c 'echo out; echo err >&2'"); // quoted as dockerd lists it
      assert.equal(c.image, busybox);
      assert.match(c.imageId, digest);
      assert.ok((await engine.containers.list({ all: true })).some((x) => x.id === c.id));
      assert.ok(!(await engine.containers.list()).some((x) => x.id === c.id), 'not running: only with all');
      await engine.containers.start('facade-one');
      assert.equal(await engine.containers.wait(c.id.slice(0, 12)), 0);
      const lines = await collect(engine.containers.logs('facade-one'));
      assert.deepEqual(
        lines.map((l) => [l.stream, l.text]),
        [
          ['stdout', 'out'],
          ['stderr', 'err'],
        ],
      );
      assert.ok(lines.every((l) => !Number.isNaN(Date.parse(l.time))));
      const found = await engine.containers.find('facade-one');
      assert.equal(found.state, 'exited');
      assert.equal(found.exitCode, 0);
      const j = await engine.containers.inspect('facade-one');
      assert.equal(j['Id'], c.id);
      assert.equal((j['State'] as { Status: string }).Status, 'exited');
      await engine.containers.rename('facade-one', 'facade-two');
      assert.equal((await engine.containers.find(c.id)).name, 'facade-two');
      await engine.containers.remove('facade-two');
      await rejectsWith(engine.containers.find(c.id), 'not_found');
    });

    it('run, stats, top, exec, stop, prune on a running container', async () => {
      const s = await engine.containers.run({ image: busybox, name: 'facade-run', network: 'none', cmd: ['sleep', '300'] });
      assert.equal(s.state, 'running');
      assert.ok(s.pid && s.pid > 0);
      assert.ok((await engine.containers.list()).some((x) => x.name === 'facade-run'));
      const st = await engine.containers.stats('facade-run', 100);
      assert.equal(st.id, s.id);
      assert.ok(st.pids >= 1 && st.memoryBytes > 0);
      const top = await engine.containers.top('facade-run');
      assert.deepEqual(top.titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']); // the host's ps -ef
      assert.ok(top.processes.some((p) => p.at(-1)?.includes('sleep')));
      const child = await engine.containers.exec('facade-run', { args: ['sh', '-c', 'echo $((6*7))'], stdio: 'pipe' });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('close', r));
      assert.equal(code, 0);
      assert.equal(out.trim(), '42');
      await rejectsWith(engine.containers.remove('facade-run'), 'conflict');
      await rejectsWith(engine.containers.pause('facade-nobody'), 'not_found');
      await engine.containers.stop('facade-run', { timeoutSec: 1 });
      assert.equal((await engine.containers.find('facade-run')).state, 'exited');
      await rejectsWith(engine.containers.stats('facade-run'), 'conflict');
      assert.ok((await engine.containers.prune()).includes(s.id));
      await rejectsWith(engine.containers.find('facade-run'), 'not_found');
    });

    it('errors: not_found, conflict for a name in use, invalid_argument', async () => {
      await rejectsWith(engine.containers.find('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.start('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.stop('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.kill('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.remove('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.inspect('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.wait('facade-nobody'), 'not_found');
      await rejectsWith(collect(engine.containers.logs('facade-nobody')), 'not_found');
      await rejectsWith(engine.containers.create({ image: 'facade/nothing:here' }), 'not_found');
      await rejectsWith(engine.containers.create({ image: busybox, name: 'bad name!' }), 'invalid_argument');
      await rejectsWith(engine.containers.create({ image: busybox, publish: ['notaport'] }), 'invalid_argument');
      await rejectsWith(engine.containers.stop('x', { signal: 'SIGNOPE' }), 'not_found');
      const c = await engine.containers.create({ image: busybox, name: 'facade-taken', network: 'none', cmd: ['true'] });
      await rejectsWith(engine.containers.create({ image: busybox, name: 'facade-taken', network: 'none' }), 'conflict');
      await rejectsWith(engine.containers.kill('facade-taken'), 'conflict');
      const d = await engine.containers.create({ image: busybox, name: 'facade-other', network: 'none', cmd: ['true'] });
      await rejectsWith(engine.containers.rename('facade-other', 'facade-taken'), 'conflict');
      for (const x of [c, d]) await engine.containers.remove(x.id);
      assert.equal(
        (await engine.containers.list({ all: true })).filter((x) => x.name.startsWith('facade-')).length,
        0,
        'nothing left behind',
      );
    });

    it('lists a container whose monitor died as exited (the runtime reconciles it)', async () => {
      const e = openEngine({ root: engine.paths.root });
      const s = await e.containers.run({ image: busybox, name: 'facade-lost', network: 'none', cmd: ['sleep', '300'] });
      const rec = await e.containers.find(s.id);
      assert.ok(rec.monitorPid && rec.pid);
      process.kill(rec.monitorPid, 'SIGKILL');
      process.kill(rec.pid, 'SIGKILL');
      // Fresh engines (as a new `dockui ps` would be): their light listing must hand this record
      // to the runtime, which finishes it once the init is gone.
      const end = Date.now() + 15_000;
      let got;
      for (;;) {
        const fresh = openEngine({ root: engine.paths.root });
        got = (await fresh.containers.list({ all: true })).find((x) => x.id === s.id);
        await fresh.close();
        if (got?.state === 'exited' || Date.now() > end) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(got?.state, 'exited');
      assert.ok(!(await openEngine({ root: engine.paths.root }).containers.list()).some((x) => x.id === s.id));
      await e.containers.remove(s.id, { force: true });
      await e.close();
    });

    it('diff and size report the writable layer; runAttached resolves to the exit code', async () => {
      const c = await engine.containers.create({
        image: busybox,
        name: 'facade-diff',
        network: 'none',
        cmd: ['sh', '-c', 'mkdir /made && head -c 5000 /dev/zero > /made/f && rm /etc/group && echo x >> /etc/passwd && exit 3'],
      });
      assert.equal(await engine.containers.runAttached('facade-diff'), 3);
      assert.equal((await engine.containers.find(c.id)).exitCode, 3);
      const changes = await engine.containers.diff('facade-diff');
      const has = (kind: string, path: string) => changes.some((x) => x.kind === kind && x.path === path);
      assert.ok(has('A', '/made') && has('A', '/made/f'), JSON.stringify(changes));
      assert.ok(has('D', '/etc/group') && has('C', '/etc/passwd') && has('C', '/etc'), JSON.stringify(changes));
      const size = await engine.containers.size('facade-diff');
      assert.ok(size.rw >= 5000, `rw ${size.rw}`);
      assert.ok(size.rootFs > size.rw, `rootFs ${size.rootFs}`);
      await rejectsWith(engine.containers.diff('facade-nobody'), 'not_found');
      await rejectsWith(engine.containers.size('facade-nobody'), 'not_found');
      await engine.containers.remove(c.id);
    });
  });

  describe('volumes', () => {
    it('create, inspect, list, remove; conflict while used; not_found, invalid_argument', async () => {
      const v = await engine.volumes.create('facade-vol');
      assert.equal(v.created, true);
      assert.equal(v.volume.name, 'facade-vol');
      assert.ok(existsSync(v.volume.mountpoint));
      assert.ok(!Number.isNaN(Date.parse(v.volume.createdAt)));
      assert.equal((await engine.volumes.create('facade-vol')).created, false);
      assert.deepEqual(await engine.volumes.inspect('facade-vol'), v.volume);
      assert.ok((await engine.volumes.list()).some((x) => x.name === 'facade-vol'));
      const c = await engine.containers.create({ image: busybox, name: 'facade-voluser', network: 'none', volumes: ['facade-vol:/data'] });
      await rejectsWith(engine.volumes.remove('facade-vol'), 'conflict');
      await engine.containers.remove(c.id);
      await engine.volumes.remove('facade-vol');
      await rejectsWith(engine.volumes.remove('facade-vol'), 'not_found');
      await rejectsWith(engine.volumes.inspect('facade-vol'), 'not_found');
      await rejectsWith(engine.volumes.create('../escape'), 'invalid_argument');
    });
  });

  describe('registry', () => {
    it('login checks and stores credentials, logout erases them; unauthorized on a wrong password', async () => {
      const auth = registry('auth');
      const cfg = mkdtempSync(join(tmpdir(), 'dockui-facade-cfg-'));
      const saved = process.env.DOCKER_CONFIG;
      process.env.DOCKER_CONFIG = cfg;
      try {
        await rejectsWith(engine.registry.login(auth, { username: fixtureUser.username, password: 'wrong' }), 'unauthorized');
        assert.equal(existsSync(join(cfg, 'config.json')), false, 'nothing stored after a refused login');
        const r = await engine.registry.login(auth, { ...fixtureUser });
        assert.equal(r.storedIn, join(cfg, 'config.json'));
        assert.deepEqual(await engine.registry.logout(auth), { found: true });
        assert.deepEqual(await engine.registry.logout(auth), { found: false });
      } finally {
        if (saved === undefined) delete process.env.DOCKER_CONFIG;
        else process.env.DOCKER_CONFIG = saved;
        execFileSync('rm', ['-rf', cfg]);
      }
    });
  });

  describe('registry search', () => {
    it('search: the catalog names holding the term as docker search results; listTags; invalid_argument before asking', async () => {
      const r = await engine.registry.search(`${reg}/fixture/busy`, { limit: 100 });
      assert.equal(r.registry, reg);
      assert.equal(r.truncated, false);
      assert.ok(r.results.some((x) => x.name === `${reg}/fixture/busybox`));
      for (const x of r.results) {
        assert.ok(x.name.startsWith(`${reg}/`) && x.name.includes('fixture/busy'), x.name);
        assert.deepEqual(Object.keys(x), ['name', 'description', 'starCount', 'isOfficial', 'isAutomated']);
        assert.deepEqual([x.description, x.starCount, x.isOfficial, x.isAutomated], ['', 0, false, false]);
      }
      const exact = await engine.registry.search(`${reg}/fixture/busybox`, { limit: 1 });
      assert.deepEqual(
        exact.results.map((x) => x.name),
        [`${reg}/fixture/busybox`],
      );
      const none = await engine.registry.search(`${reg}/fixture/busy`, { filters: new Map([['stars', ['1']]]) });
      assert.deepEqual(none.results, []);
      const tags = await engine.registry.listTags(`${reg}/fixture/busybox`);
      assert.equal(tags.name, `${reg}/fixture/busybox`);
      assert.deepEqual([...tags.tags].sort(), ['latest', 'v2s2']);
      await rejectsWith(engine.registry.search(`${reg}/x`, { limit: 0 }), 'invalid_argument');
      await rejectsWith(engine.registry.search(`${reg}/x`, { filters: new Map([['label', ['a']]]) }), 'invalid_argument');
      await rejectsWith(engine.registry.search('http://x/y'), 'invalid_argument');
      await rejectsWith(engine.registry.listTags(`${reg}/fixture/no-such-repo`), 'not_found');
      const ac = new AbortController();
      ac.abort();
      await rejectsWith(engine.registry.search(`${reg}/fixture`, { signal: ac.signal }), 'canceled');
    });
  });

  describe('builds and system', () => {
    it('build reports the image; a bad Dockerfile is invalid_argument with its line', async () => {
      const ctxDir = join(t.root, 'ctx');
      mkdirSync(ctxDir);
      writeFileSync(join(ctxDir, 'Dockerfile'), `FROM ${busybox}\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\n`);
      writeFileSync(join(ctxDir, 'a.txt'), 'a\n');
      const steps: string[] = [];
      const r = await engine.builds.build({ context: ctxDir, tags: ['facade/built:1'], onStep: (e) => steps.push(e.status) });
      assert.match(r.imageId, digest);
      assert.match(r.buildId, /./);
      assert.equal(r.steps, 3);
      assert.equal(typeof r.durationMs, 'number');
      assert.ok(steps.includes('done'));
      assert.ok((await engine.images.list()).some((i) => i.id === r.imageId && i.names.includes('docker.io/facade/built:1')));
      const again = await engine.builds.build({ context: ctxDir, tags: ['facade/built:1'] });
      assert.equal(again.imageId, r.imageId);
      assert.equal(again.cachedSteps, again.steps);
      await assert.rejects(engine.builds.build({ context: ctxDir, dockerfileText: `FROM ${busybox}\nNOPE x\n` }), (e: unknown) => {
        assert.ok(isEngineError(e) && e.code === 'invalid_argument', String(e));
        assert.equal(e.range?.line, 2);
        return true;
      });
      await rejectsWith(engine.builds.build({ context: join(t.root, 'no-such-dir') }), 'not_found');
    });

    it('check, df, gc and prune report the store', async () => {
      const c = await engine.system.check();
      assert.ok(c.blobs > 0 && c.layers > 0 && c.images > 0);
      assert.deepEqual(c.problems, []);
      const df = await engine.system.df();
      assert.ok(df.images.count > 0 && df.blobs.size > 0 && df.layers.count > 0);
      assert.equal(typeof df.buildCache.count, 'number');
      const gc = await engine.system.gc({ waitMs: 0 });
      assert.equal(typeof gc.bytesFreed, 'number');
      const cacheBefore = df.buildCache.count;
      assert.ok(cacheBefore > 0, 'the build left cache entries');
      await engine.images.removeMany(['facade/built:1']);
      assert.deepEqual(await engine.containers.list({ all: true }), [], 'no container uses busybox now');
      const { id } = await engine.images.inspect(busybox).then((d) => d.summary);
      const p = await engine.system.prune({ all: true });
      assert.equal(p.cacheEntriesRemoved, cacheBefore);
      assert.ok(p.imagesRemoved.includes(id), 'with all, unused images go too');
      assert.equal((await engine.system.df()).buildCache.count, 0);
      await engine.images.pull(busybox);
    });
  });

  describe('dev and the live engine', () => {
    it('createEngine keeps the snapshots current; dev.start builds, runs and names the container <dir>-dev', async () => {
      const live = await createEngine({ root: engine.paths.root });
      assert.ok(live.images.getSnapshot().some((i) => i.names.includes(busybox)));
      let changes = 0;
      const off = live.containers.subscribe(() => changes++);
      const app = join(t.root, 'facade-app');
      mkdirSync(app);
      writeFileSync(join(app, 'Dockerfile'), `FROM ${busybox}\nCOPY msg.txt /msg.txt\nCMD ["sleep", "300"]\n`);
      writeFileSync(join(app, 'msg.txt'), 'one\n');
      const loop = await live.dev.start({ dir: app, debounceMs: 50 });
      try {
        await loop.idle();
        const s = loop.getSnapshot();
        assert.equal(s.phase, 'watching', s.lastError);
        assert.equal(s.container?.name, `${basename(app)}-dev`);
        assert.ok(live.containers.getSnapshot().some((c) => c.name === `${basename(app)}-dev` && c.state === 'running'));
        assert.ok(changes > 0, 'subscribers heard of the new container');
      } finally {
        await loop.close();
        off();
      }
      await live.containers.remove(`${basename(app)}-dev`, { force: true });
      assert.ok(!live.containers.getSnapshot().some((c) => c.name === `${basename(app)}-dev`));
      await live.close();
    });

    it('dockui dev --once goes through the same wiring (default name, plain report)', async () => {
      const app = join(t.root, 'facade-cli');
      mkdirSync(app);
      writeFileSync(join(app, 'Dockerfile'), `FROM ${busybox}\nCMD ["sleep", "300"]\n`);
      const r = await runCli(['dev', '--once', app], { root: engine.paths.root });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^running facade-cli-dev \([0-9a-f]{12}\): debounce .* total /m);
      const c = await engine.containers.find('facade-cli-dev');
      assert.equal(c.state, 'running');
      assert.equal(c.image, 'docker.io/library/facade-cli:dev');
      await engine.containers.remove(c.id, { force: true });
      const bad = await runCli(['dev', '--once', join(app, 'Dockerfile')], { root: engine.paths.root });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^dockui: not a directory: /);
    });
  });
});
