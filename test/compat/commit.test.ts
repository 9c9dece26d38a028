// `docker commit`: the container's changes as one new layer over its image, the container's own
// config (command, env, workdir, labels) with --change instructions on top, one history entry
// with -a/-m; a running container keeps running; what the runtime put in the container
// (/etc/hosts, mount points) is not in the layer; bad input is one line and leaves no image or temp file.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: commit', () => {
  const s = scenario('commit');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('commits a running container: its files, config and --change, the container still running', async () => {
    const run = await s.sh(
      `$DOCKER run -d --name c1 -e GREETING=hi -w /work -l keep=yes -v /data $IMAGE sh -c 'mkdir -p /work && echo hello > /work/f && rm /bin/true && exec sleep 1000'`,
    );
    assert.equal(run.code, 0, run.stderr);
    await s.until(`$DOCKER exec c1 cat /work/f`, (o) => o === 'hello');
    const c = await s.sh(`$DOCKER commit -a 'A U Thor' -m 'first' -c 'ENV MODE=prod' -c 'EXPOSE 8080' -c 'LABEL extra=1' c1 snap/app:v1`);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal((await s.sh(`$DOCKER inspect -f '{{.State.Status}}' c1`)).stdout, 'running\n');

    const cfg = JSON.parse((await s.sh(`$DOCKER image inspect -f '{{json .Config}}' snap/app:v1`)).stdout) as {
      Cmd: string[];
      Env: string[];
      WorkingDir: string;
      Labels: Record<string, string>;
      ExposedPorts: Record<string, unknown>;
    };
    assert.deepEqual(cfg.Cmd.slice(0, 2), ['sh', '-c']);
    assert.ok(cfg.Env.includes('GREETING=hi') && cfg.Env.includes('MODE=prod'), cfg.Env.join(' '));
    assert.equal(cfg.WorkingDir, '/work');
    assert.deepEqual(cfg.Labels, { keep: 'yes', extra: '1' });
    assert.ok('8080/tcp' in cfg.ExposedPorts);
    const hist = (await s.sh(`$DOCKER history --no-trunc --format '{{.CreatedBy}}|{{.Comment}}' snap/app:v1`)).stdout.split('\n')[0];
    assert.match(hist!, /^sh -c mkdir -p \/work.*\|first$/);
    assert.equal((await s.sh(`$DOCKER image inspect -f '{{.Author}}' snap/app:v1`)).stdout, 'A U Thor\n');

    // The image has the change and the deletion; not the runtime's files nor the volume's mount point.
    const base = (await s.sh(`$DOCKER image inspect -f '{{len .RootFS.Layers}}' $IMAGE`)).stdout.trim();
    assert.equal((await s.sh(`$DOCKER image inspect -f '{{len .RootFS.Layers}}' snap/app:v1`)).stdout.trim(), String(Number(base) + 1));
    const r = await s.sh(
      `$DOCKER run --rm snap/app:v1 sh -c 'cat /work/f; test -e /bin/true && echo has-true; test -e /data && echo has-data; grep -cw c1 /etc/hosts || true; echo $MODE'`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello\n0\nprod\n');
    const exported = await s.sh(`$DOCKER save snap/app:v1 | tar -t >/dev/null && echo ok`);
    assert.equal(exported.stdout, 'ok\n');
  });

  it('commits a stopped container; an unchanged one adds an empty history entry and no layer', async () => {
    assert.equal((await s.sh(`$DOCKER run --name c2 $IMAGE sh -c 'echo x > /x'`)).code, 0);
    const c = await s.sh(`$DOCKER commit c2 snap/stopped`);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await s.sh(`$DOCKER run --rm snap/stopped cat /x`)).stdout, 'x\n');
    assert.equal((await s.sh(`$DOCKER create --name c3 $IMAGE true`)).code, 0);
    assert.equal((await s.sh(`$DOCKER commit c3 snap/same`)).code, 0);
    const base = (await s.sh(`$DOCKER image inspect -f '{{len .RootFS.Layers}}' $IMAGE`)).stdout;
    assert.equal((await s.sh(`$DOCKER image inspect -f '{{len .RootFS.Layers}}' snap/same`)).stdout, base);
  });

  it('refuses bad input with one line, creating nothing', async () => {
    assert.equal((await s.sh(`$DOCKER create --name c4 $IMAGE true`)).code, 0);
    const before = (await s.sh(`$DOCKER images -aq | sort`)).stdout;
    for (const [args, msg] of [
      [`-c 'RUN echo no' c4 snap/bad`, /RUN is not one of CMD/],
      [`-c 'NOTANINSTRUCTION x' c4 snap/bad`, /invalid --change/],
      [`nosuch snap/bad`, /no such container/i],
      [`c4 'Bad Name'`, /invalid reference|whitespace/i],
      [`--pause=maybe c4`, /invalid boolean for --pause: maybe/],
    ] as const) {
      const r = await s.sh(`$DOCKER commit ${args}`);
      assert.notEqual(r.code, 0, args);
      assert.match(r.stderr, msg, args);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal((await s.sh(`$DOCKER images -aq | sort`)).stdout, before);
    assert.deepEqual(
      readdirSync(join(s.root, 'tmp')).filter((f) => /^(commit|layer)-/.test(f)),
      [],
    );
  });
});
