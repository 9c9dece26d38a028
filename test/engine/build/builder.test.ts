import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { openBuilder } from '../../../src/engine/build/index.js';
import type { BuildStepEvent } from '../../../src/engine/define.js';
import { isEngineError } from '../../../src/engine/define.js';
import { openStore } from '../../../src/engine/store/index.js';
import { registry, tempRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'dockui-builder-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 'ctx-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

async function setup() {
  const { root, cleanup } = tempRoot();
  const store = await openStore(root);
  const builder = openBuilder({ root, store });
  return { root, store, builder, cleanup };
}

interface Cfg {
  config: Record<string, unknown>;
  rootfs: { diff_ids: string[] };
  history: { created_by?: string; empty_layer?: boolean }[];
  author?: string;
}

describe('builder (no RUN)', () => {
  it('builds FROM scratch with COPY and every metadata instruction, and caches across processes', async () => {
    const { store, builder, root, cleanup } = await setup();
    try {
      const dir = context({
        Dockerfile: [
          'FROM scratch',
          'MAINTAINER someone',
          'ARG GREETING=hello',
          'ENV APP_HOME=/srv/app MSG=${GREETING}',
          'WORKDIR $APP_HOME',
          'COPY . .',
          'COPY <<EOF /etc/motd',
          'welcome',
          'EOF',
          'LABEL org.example.name="demo app" version=1',
          'EXPOSE 8080 53/udp 9000-9001',
          'VOLUME /data',
          'USER 1000:1000',
          'STOPSIGNAL SIGINT',
          'HEALTHCHECK --interval=5s --retries=2 CMD ["/bin/check"]',
          'SHELL ["/bin/bash", "-c"]',
          'ONBUILD COPY . /onbuild',
          'ENTRYPOINT ["/bin/app"]',
          'CMD serve --port 80',
          '',
        ].join('\n'),
        '.dockerignore': 'Dockerfile\n.dockerignore\n*.log\n',
        'main.js': 'console.log(1)\n',
        'debug.log': 'x',
        'lib/util.js': 'u\n',
      });
      const steps: BuildStepEvent[] = [];
      const r1 = await builder.build({ context: dir, tags: ['demo:1'], onStep: (e) => steps.push(e), labels: { extra: 'yes' } });
      assert.equal(r1.steps, 17);
      assert.ok(steps.some((s) => s.status === 'done' && s.instruction === 'COPY . .'));
      const cfg = JSON.parse((await store.readBlob(r1.imageId)).toString()) as Cfg;
      const c = cfg.config;
      assert.deepEqual(c.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_HOME=/srv/app', 'MSG=hello']);
      assert.equal(c.WorkingDir, '/srv/app');
      assert.deepEqual(c.Labels, { 'org.example.name': 'demo app', version: '1', extra: 'yes' });
      assert.deepEqual(Object.keys(c.ExposedPorts as object).sort(), ['53/udp', '8080/tcp', '9000/tcp', '9001/tcp']);
      assert.deepEqual(c.Volumes, { '/data': {} });
      assert.equal(c.User, '1000:1000');
      assert.equal(c.StopSignal, 'SIGINT');
      assert.deepEqual(c.Healthcheck, { Test: ['CMD', '/bin/check'], Interval: 5e9, Retries: 2 });
      assert.deepEqual(c.Shell, ['/bin/bash', '-c']);
      assert.deepEqual(c.OnBuild, ['COPY . /onbuild']);
      assert.deepEqual(c.Entrypoint, ['/bin/app']);
      assert.deepEqual(c.Cmd, ['/bin/bash', '-c', 'serve --port 80']);
      assert.equal(cfg.author, 'someone');
      // WORKDIR makes the missing /srv/app in a layer of its own (BuildKit), then the two COPYs.
      assert.equal(cfg.rootfs.diff_ids.length, 3);
      assert.equal(cfg.history.filter((h) => !h.empty_layer).length, 3);
      assert.ok(cfg.history.some((h) => h.created_by === 'WORKDIR /srv/app' && !h.empty_layer));
      assert.ok(cfg.history.some((h) => h.created_by === 'ENV APP_HOME=/srv/app MSG=${GREETING}' && h.empty_layer));

      // The layer holds the context minus .dockerignore, under the WORKDIR.
      const rec = await store.getImage('demo:1');
      const manifest = JSON.parse((await store.readBlob(rec!.manifestDigest)).toString()) as { layers: { digest: string }[] };
      const tarOf = async (i: number) =>
        execFileSync('tar', ['-tvf', '-'], {
          input: gunzipSync(await store.readBlob(manifest.layers[i]!.digest, 1 << 30)),
          encoding: 'utf8',
        })
          .trim()
          .split('\n');
      const names = (lines: string[]) => lines.map((l) => l.split(/\s+/).pop());
      const wdLayer = await tarOf(0);
      assert.deepEqual(names(wdLayer), ['srv/', 'srv/app/']);
      for (const l of wdLayer) assert.match(l, /^drwxr-xr-x 0\/0 /);
      assert.deepEqual(names(await tarOf(1)), ['srv/', 'srv/app/', 'srv/app/lib/', 'srv/app/lib/util.js', 'srv/app/main.js']);
      const layers = await store.imageLayers('demo:1');
      assert.equal(readFileSync(join(layers[2]!.dir, 'etc/motd'), 'utf8'), 'welcome\n');

      // Same context: every step cached, same image id, from a fresh builder (another process would see the same files).
      const again = openBuilder({ root, store: await openStore(root) });
      const r2 = await again.build({ context: dir, tags: ['demo:1'], labels: { extra: 'yes' } });
      assert.equal(r2.cachedSteps, r2.steps);
      assert.equal(r2.imageId, r1.imageId);

      // A touched file changes nothing; a changed file reruns only its COPY and what follows.
      execFileSync('touch', [join(dir, 'main.js')]);
      const r3 = await again.build({ context: dir, tags: ['demo:1'], labels: { extra: 'yes' } });
      assert.equal(r3.imageId, r1.imageId);
      writeFileSync(join(dir, 'lib/util.js'), 'changed\n');
      const seen: BuildStepEvent[] = [];
      const r4 = await again.build({ context: dir, tags: ['demo:1'], onStep: (e) => seen.push(e), labels: { extra: 'yes' } });
      assert.notEqual(r4.imageId, r1.imageId);
      const status = (t: string) => seen.find((s) => s.instruction === t && s.status !== 'started')?.status;
      assert.equal(status('WORKDIR $APP_HOME'), 'cached');
      assert.equal(status('COPY . .'), 'done');
      assert.equal(r4.steps - r4.cachedSteps, 12, 'the COPY and the 11 steps after it');
      assert.equal((await store.getImage('demo:1'))?.configDigest, r4.imageId);
      assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'no temp dirs left');
    } finally {
      cleanup();
    }
  });

  it('rebuilds a COPY after a small change as a delta layer, and after a big one as a full layer linking unchanged files', async () => {
    const { store, builder, cleanup } = await setup();
    try {
      const files: Record<string, string> = { Dockerfile: 'FROM scratch\nCOPY . /app/\n' };
      for (let i = 0; i < 50; i++) files[`d/f${i}.txt`] = `file ${i}\n`;
      const dir = context(files);
      await builder.build({ context: dir, tags: ['inc:1'] });
      const [full] = await store.imageLayers('inc:1');
      const tarNames = async (digestIndex: number) => {
        const rec = await store.getImage('inc:1');
        const m = JSON.parse((await store.readBlob(rec!.manifestDigest)).toString()) as { layers: { digest: string }[] };
        return execFileSync('tar', ['-tzf', store.blobPath(m.layers[digestIndex]!.digest)], { encoding: 'utf8' })
          .trim()
          .split('\n');
      };

      // One file changed, one deleted: a delta over the full layer, with a whiteout.
      writeFileSync(join(dir, 'd/f7.txt'), 'seven\n');
      rmSync(join(dir, 'd/f9.txt'));
      await builder.build({ context: dir, tags: ['inc:1'] });
      const layers = await store.imageLayers('inc:1');
      assert.equal(layers.length, 2);
      assert.equal(layers[0]!.diffId, full!.diffId);
      assert.deepEqual(await tarNames(1), ['app/', 'app/d/', 'app/d/f7.txt', 'app/d/.wh.f9.txt']);
      const cfg = await store.imageConfig('inc:1');
      assert.equal(cfg.history?.filter((h) => !h.empty_layer).length, 2, 'one history entry per layer');

      // The merged view is what a full COPY gives: check it through a rebuild from scratch.
      const fresh = await setup();
      try {
        await fresh.builder.build({ context: dir, tags: ['inc:1'] });
        const [only] = await fresh.store.imageLayers('inc:1');
        const mergedDir = mkdtempSync(join(tmp, 'merged-'));
        for (const l of layers) execFileSync('cp', ['-a', `${l.dir}/.`, mergedDir]);
        rmSync(join(mergedDir, 'app/d/f9.txt'), { force: true }); // the whiteout, applied
        const list = (d: string) => execFileSync('find', ['.', '-type', 'f'], { cwd: d, encoding: 'utf8' }).split('\n').sort();
        assert.deepEqual(
          list(mergedDir).filter((n) => !n.includes('f9.txt')),
          list(only!.dir),
        );
        assert.equal(readFileSync(join(mergedDir, 'app/d/f7.txt'), 'utf8'), 'seven\n');
      } finally {
        fresh.cleanup();
      }

      // A change to most files: one full layer again; unchanged files shared with the old layers.
      for (let i = 0; i < 40; i++) writeFileSync(join(dir, `d/f${i}.txt`), `v2 ${i}\n`);
      await builder.build({ context: dir, tags: ['inc:1'] });
      const after = await store.imageLayers('inc:1');
      assert.equal(after.length, 1);
      assert.equal(statSync(join(after[0]!.dir, 'app/d/f45.txt')).ino, statSync(join(full!.dir, 'app/d/f45.txt')).ino, 'unchanged: linked');
      assert.equal(readFileSync(join(after[0]!.dir, 'app/d/f3.txt'), 'utf8'), 'v2 3\n');
      assert.equal(readFileSync(join(full!.dir, 'app/d/f3.txt'), 'utf8'), 'file 3\n', 'the old layer is untouched');
      const names = await tarNames(0);
      assert.equal(names.filter((n) => n.endsWith('.txt')).length, 50, 'the full layer blob stands alone (f9 is back)');
    } finally {
      cleanup();
    }
  });

  it('a wildcard COPY losing a file rebuilds correctly (no delta possible without its directory)', async () => {
    const { store, builder, cleanup } = await setup();
    try {
      const dir = context({
        Dockerfile: 'FROM scratch\nCOPY *.txt /d/\n',
        'a.txt': 'a',
        'b.txt': 'b',
        'c.txt': 'c',
        'e.txt': 'e',
        'f.txt': 'f',
      });
      await builder.build({ context: dir, tags: ['wild:1'] });
      rmSync(join(dir, 'a.txt'));
      await builder.build({ context: dir, tags: ['wild:1'] });
      const layers = await store.imageLayers('wild:1');
      assert.equal(layers.length, 1);
      assert.deepEqual(readdirSync(join(layers[0]!.dir, 'd')).sort(), ['b.txt', 'c.txt', 'e.txt', 'f.txt']);
    } finally {
      cleanup();
    }
  });

  it('builds FROM a registry image (pulled when missing), multi-stage with COPY --from and --target', async () => {
    const { store, builder, cleanup } = await setup();
    try {
      const base = `${registry()}/fixture/busybox:latest`;
      const dir = context({
        Dockerfile: [
          `FROM ${base} AS build`,
          'COPY app.txt /out/app.txt',
          'COPY conf/ /out/conf/',
          'FROM scratch AS unused',
          'COPY nothing-here /x',
          `FROM ${base} AS final`,
          'COPY --from=build /out /opt/',
          'CMD ["cat", "/opt/app.txt"]',
          'FROM final AS debug',
          'ENV DEBUG=1',
        ].join('\n'),
        'app.txt': 'app\n',
        'conf/a.conf': 'a\n',
      });
      const r = await builder.build({ context: dir, tags: ['multi:1'], target: 'final' });
      assert.equal(r.steps, 6, 'the unused and debug stages are skipped');
      const layers = await store.imageLayers('multi:1');
      const top = layers[layers.length - 1]!.dir;
      assert.equal(readFileSync(join(top, 'opt/app.txt'), 'utf8'), 'app\n');
      assert.equal(readFileSync(join(top, 'opt/conf/a.conf'), 'utf8'), 'a\n');
      const baseCfg = await store.imageConfig(base);
      const cfg = await store.imageConfig('multi:1');
      assert.deepEqual(cfg.rootfs?.diff_ids.slice(0, -1), baseCfg.rootfs?.diff_ids);
      assert.deepEqual(cfg.config?.Env, baseCfg.config?.Env);
    } finally {
      cleanup();
    }
  });

  it('ADD fetches an http URL and extracts a local tar; COPY --chown/--chmod and COPY --from an image', async () => {
    const { store, builder, cleanup } = await setup();
    const server = createServer((req, res) => {
      if (req.url === '/files/hello.txt') {
        res.writeHead(200, { 'last-modified': 'Wed, 01 Jan 2020 00:00:00 GMT' });
        res.end('from the web\n');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const payload = context({ 'inner/x.txt': 'x\n' });
      const dir = context({
        Dockerfile: [
          'FROM scratch',
          `ADD http://127.0.0.1:${port}/files/hello.txt /web/`,
          'ADD bundle.tar.gz /unpacked/',
          'COPY --chown=1234:50 --chmod=0600 secret.conf /etc/app/',
          `COPY --from=${registry()}/fixture/busybox:latest /bin/busybox /bin/busybox`,
        ].join('\n'),
        'secret.conf': 's\n',
      });
      execFileSync('tar', ['-C', payload, '-czf', join(dir, 'bundle.tar.gz'), 'inner']);
      await builder.build({ context: dir, tags: ['add:1'] });
      const layers = await store.imageLayers('add:1');
      const web = join(layers[0]!.dir, 'web/hello.txt');
      assert.equal(readFileSync(web, 'utf8'), 'from the web\n');
      assert.equal(statSync(web).mode & 0o777, 0o600);
      assert.equal(statSync(web).mtime.toISOString(), '2020-01-01T00:00:00.000Z');
      assert.equal(readFileSync(join(layers[1]!.dir, 'unpacked/inner/x.txt'), 'utf8'), 'x\n');
      const conf = statSync(join(layers[2]!.dir, 'etc/app/secret.conf'));
      assert.deepEqual([conf.uid, conf.gid, conf.mode & 0o777], [1234, 50, 0o600]);
      assert.ok(statSync(join(layers[3]!.dir, 'bin/busybox')).size > 100_000);

      const sum = createHash('sha256').update('from the web\n').digest('hex');
      const checked = context({ Dockerfile: `FROM scratch\nADD --checksum=sha256:${sum} http://127.0.0.1:${port}/files/hello.txt /a\n` });
      await builder.build({ context: checked });
      const wrong = context({
        Dockerfile: `FROM scratch\nADD --checksum=sha256:${'0'.repeat(64)} http://127.0.0.1:${port}/files/hello.txt /a\n`,
      });
      await assert.rejects(builder.build({ context: wrong }), /checksum mismatch/);

      // The URL's content is part of the key: a new body reruns the ADD.
      const r2 = await builder.build({ context: dir, tags: ['add:1'] });
      assert.equal(r2.cachedSteps, r2.steps);
      const missing = context({ Dockerfile: `FROM scratch\nADD http://127.0.0.1:${port}/nope /x\n` });
      await assert.rejects(builder.build({ context: missing }), /HTTP 404/);
    } finally {
      server.close();
      cleanup();
    }
  });

  it("runs the base image's ONBUILD triggers in the child build", async () => {
    const { store, builder, cleanup } = await setup();
    try {
      const parentCtx = context({ Dockerfile: 'FROM scratch\nONBUILD COPY marker.txt /from-child/\nONBUILD LABEL child=yes\n' });
      await builder.build({ context: parentCtx, tags: ['onbuild-base:1'] });
      const childCtx = context({ Dockerfile: 'FROM onbuild-base:1\nENV X=1\n', 'marker.txt': 'child file\n' });
      const steps: BuildStepEvent[] = [];
      await builder.build({ context: childCtx, tags: ['onbuild-child:1'], onStep: (e) => steps.push(e) });
      const layers = await store.imageLayers('onbuild-child:1');
      assert.equal(readFileSync(join(layers[0]!.dir, 'from-child/marker.txt'), 'utf8'), 'child file\n');
      const cfg = await store.imageConfig('onbuild-child:1');
      assert.equal(cfg.config?.Labels?.child, 'yes');
      assert.equal((cfg.config as { OnBuild?: unknown }).OnBuild ?? null, null, 'triggers do not pass on');
      assert.ok(steps.some((s) => s.instruction === 'COPY marker.txt /from-child/' && s.status === 'done'));
    } finally {
      cleanup();
    }
  });

  it('fails cleanly: a missing COPY source names it with its line, nothing is tagged', async () => {
    const { store, builder, root, cleanup } = await setup();
    try {
      const dir = context({ Dockerfile: 'FROM scratch\nCOPY a.txt /\nCOPY missing.txt /\n', 'a.txt': 'a' });
      const steps: BuildStepEvent[] = [];
      await assert.rejects(builder.build({ context: dir, tags: ['bad:1'], onStep: (e) => steps.push(e) }), (e: unknown) => {
        assert.ok(isEngineError(e));
        assert.equal(e.code, 'not_found');
        assert.match(e.message, /missing.txt/);
        assert.equal(e.range?.line, 3);
        return true;
      });
      assert.equal(steps.at(-1)?.status, 'failed');
      assert.equal(await store.getImage('bad:1'), undefined);
      assert.deepEqual(readdirSync(join(root, 'tmp')), []);
      await assert.rejects(builder.build({ context: dir, target: 'nope' }), /target stage "nope" not found/);
      const syntax = context({ Dockerfile: 'FROM scratch\nCOPY --nope a /\n' });
      await assert.rejects(builder.build({ context: syntax }), (e: unknown) => isEngineError(e) && e.range?.line === 2);
    } finally {
      cleanup();
    }
  });
});
