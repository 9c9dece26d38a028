// `dockui kube play|down` with real containers: examples/compose-app → kube generate → schema-valid
// YAML (kubernetes-models, and kubectl parsing it offline) → kube play → the same app serving on
// 127.0.0.1 with its services resolving each other by name → kube down leaving nothing; and a
// round trip container → generate → play keeping image, command, env, ports, volumes and probes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../helpers/env.js';
import { scenario } from './scenario.js';

interface KubeDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}
type ModelClass = new (data: unknown) => { validate(): void };
const require = createRequire(import.meta.url);
const v1 = require('kubernetes-models/v1') as Record<string, ModelClass>;
const models: Record<string, ModelClass> = {
  'apps/v1/Deployment': (require('kubernetes-models/apps/v1') as Record<string, ModelClass>).Deployment!,
  'v1/Pod': v1.Pod!,
  'v1/Service': v1.Service!,
  'v1/PersistentVolumeClaim': v1.PersistentVolumeClaim!,
  'v1/ConfigMap': v1.ConfigMap!,
};

function docs(text: string): KubeDoc[] {
  return parseAllDocuments(text)
    .map((d) => {
      assert.equal(d.errors.length, 0, String(d.errors[0]));
      return d.toJS() as KubeDoc;
    })
    .filter(Boolean);
}

const webPort = 18830;
const rtPort = 18831;
const env = { DOCKUI_BRIDGE_PREFIX: 'k19b', DOCKUI_SUBNET_POOL: '10.219.0.0/16', WEB_PORT: String(webPort) };
const app = join(repoRoot, 'examples/compose-app');

async function get(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return await res.text();
  } catch {
    return '';
  }
}
async function until(url: string, ok: (s: string) => boolean, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = await get(url);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered as expected; last: ${JSON.stringify(last)}`);
}

describe('compat: kube play / down', { timeout: 600_000 }, () => {
  const s = scenario('kube-play', 'k19-');
  const base = s.root.replace(/\/root$/, '');
  const yamlFile = join(base, 'app.yaml');
  const sh = (script: string, timeoutMs = 240_000) => s.sh(script, { env, timeoutMs });
  /** Everything this root has made that kube down must take away. */
  const leftovers = async () => {
    const r = await sh('$DOCKER pod ls -q; $DOCKER ps -aq; $DOCKER volume ls -q; $DOCKER network ls -q --filter type=custom');
    const ls = (d: string) => {
      try {
        return readdirSync(d).filter((n) => !n.startsWith('.'));
      } catch {
        return [];
      }
    };
    const procs = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(base);
        } catch {
          return false;
        }
      });
    return {
      objects: r.stdout.trim(),
      pods: ls(join(s.root, 'pods')),
      netns: ls(join(s.runRoot, 'netns')),
      mounts: readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((l) => l.includes(base)),
      procs,
      bridges: execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => /^\d+: k19b/.test(l)),
    };
  };
  const nothing = { objects: '', pods: [], netns: [], mounts: [], procs: [], bridges: [] };

  before(async () => {
    execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', s.root, '--runroot', s.runRoot], { stdio: 'pipe' });
    const r = await sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await sh(
      `$DOCKER kube down --force ${yamlFile} >/dev/null 2>&1; $DOCKER pod rm -f $($DOCKER pod ls -q) >/dev/null 2>&1; $DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER network rm kube >/dev/null 2>&1; true`,
    );
    s.cleanup();
  });

  it('the Compose example → kube generate --compose-project → YAML every object of which is schema-valid', async () => {
    const up = await sh(`$DOCKER compose -p k19app -f ${app}/compose.yaml up -d --build`);
    assert.equal(up.code, 0, up.stderr);
    assert.match(await until(`http://127.0.0.1:${webPort}/cgi-bin/value`, (b) => b.includes('cache says')), /hello from api/);
    const g = await sh(`$DOCKER kube generate --compose-project k19app -f ${yamlFile}`);
    assert.equal(g.code, 0, g.stderr);
    const objects = docs(readFileSync(yamlFile, 'utf8'));
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
      'Deployment/api',
      'Deployment/cache',
      'Deployment/web',
      'PersistentVolumeClaim/k19app-cache-data',
      'Service/api',
      'Service/backend',
      'Service/cache',
      'Service/web',
    ]);
    for (const o of objects) new models[`${o.apiVersion}/${o.kind}`]!(o).validate();
    // kubectl reads it without a server (label --local maps every object offline; apply --dry-run=client needs one).
    const kubectl = process.env.DOCKUI_TEST_KUBECTL ?? 'kubectl';
    const names = execFileSync(kubectl, ['label', '--local', '-f', yamlFile, 'k19=ok', '-o', 'name'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: base },
    });
    assert.equal(names.trim().split('\n').length, objects.length, names);
    const down = await sh(`$DOCKER compose -p k19app -f ${app}/compose.yaml down -v -t 0`);
    assert.equal(down.code, 0, down.stderr);
  });

  it('kube play → the same app on 127.0.0.1, its services resolving each other by name', async () => {
    const p = await sh(`$DOCKER kube play ${yamlFile}`);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /Pod:\nweb-pod\nContainers:\nweb-pod-web/);
    const body = await until(`http://127.0.0.1:${webPort}/cgi-bin/value`, (b) => /cache says: first value/.test(b));
    assert.match(body, /hello from api/); // web → backend (a Service) → api → cache (a Service)
    const byName = await sh('$DOCKER exec web-pod-web wget -qO- http://api:8000/cgi-bin/value');
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stdout, /hello from api\ncache says: first value/);
    const ps = await sh('$DOCKER pod ls --format "{{.Name}} {{.Status}}"');
    assert.deepEqual(ps.stdout.trim().split('\n').sort(), ['api-pod Running', 'cache-pod Running', 'web-pod Running']);
    // The probe became the cache's healthcheck.
    const h = await s.until('$DOCKER inspect -f "{{.State.Health.Status}}" cache-pod-cache', (o) => o === 'healthy');
    assert.equal(h, 'healthy');
  });

  it('kube down --force leaves nothing (pods, containers, volume, network, bridge, netns, mounts, processes)', async () => {
    const again = await sh(`$DOCKER kube play ${yamlFile}`);
    assert.notEqual(again.code, 0);
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.match(again.stderr, /exists already/);
    const d = await sh(`$DOCKER kube down --force ${yamlFile}`);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /Pods stopped and removed:/);
    assert.deepEqual(await leftovers(), nothing);
  });

  it('round trip: container → generate → play keeps image, command, env, ports, volumes and probes', async () => {
    const run = await sh(
      `$DOCKER run -d --name k19rt -e FOO=bar -p 127.0.0.1:${rtPort}:8080 -v k19data:/data --health-cmd 'test -f /data/index.html' --health-interval 2s $IMAGE sh -c 'echo round-trip > /data/index.html; exec httpd -f -p 8080 -h /data'`,
    );
    assert.equal(run.code, 0, run.stderr);
    const file = join(base, 'rt.yaml');
    const g = await sh(
      `$DOCKER kube generate -s -f ${file} k19rt && $DOCKER rm -f k19rt >/dev/null && $DOCKER volume rm k19data >/dev/null`,
    );
    assert.equal(g.code, 0, g.stderr);
    const p = await sh(`$DOCKER kube play ${file}`);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(await until(`http://127.0.0.1:${rtPort}/`, (b) => b === 'round-trip\n'), 'round-trip\n');
    const i = await sh(
      `$DOCKER inspect -f '{{.Config.Image}}|{{json .Path}}|{{json .Args}}|{{json .Config.Healthcheck.Test}}|{{.Config.Healthcheck.Interval}}|{{json .Mounts}}' k19rt-pod-k19rt`,
    );
    assert.equal(i.code, 0, i.stderr);
    const [image, path, args, test, interval, mounts] = i.stdout.trim().split('|');
    assert.match(image!, /fixture\/busybox/);
    assert.deepEqual(
      [JSON.parse(path!) as string, ...(JSON.parse(args!) as string[])],
      ['sh', '-c', 'echo round-trip > /data/index.html; exec httpd -f -p 8080 -h /data'],
    );
    assert.deepEqual(JSON.parse(test!), ['CMD', '/bin/sh', '-c', 'test -f /data/index.html']);
    assert.equal(Number(interval), 2e9);
    const m = (JSON.parse(mounts!) as { Type: string; Source: string; Destination: string }[])[0]!;
    assert.deepEqual([m.Type, m.Destination], ['volume', '/data']);
    assert.match(m.Source, /k19data/);
    const e = await sh(`$DOCKER exec k19rt-pod-k19rt sh -c 'echo $FOO'`);
    assert.equal(e.stdout.trim(), 'bar');
    const d = await sh(`$DOCKER kube down --force ${file}`);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(await leftovers(), nothing);
  });

  it("round trip of run's further flags: --add-host, --dns*, --sysctl, --group-add → generate → play → seen inside the pod", async () => {
    const c = await sh(
      `$DOCKER create --name k19x --add-host db.local:10.1.2.3 --dns 10.9.9.9 --dns-search example.test --dns-option ndots:3 --sysctl net.core.somaxconn=321 --group-add 1234 $IMAGE sleep 300`,
    );
    assert.equal(c.code, 0, c.stderr);
    const file = join(base, 'x.yaml');
    const g = await sh(`$DOCKER kube generate --type pod -f ${file} k19x && $DOCKER rm -f k19x >/dev/null`);
    assert.equal(g.code, 0, g.stderr);
    const p = await sh(`$DOCKER kube play ${file}`);
    assert.equal(p.code, 0, p.stderr);
    const inside = await sh(
      `$DOCKER exec k19x-k19x sh -c 'grep db.local /etc/hosts; grep -v "^#" /etc/resolv.conf; cat /proc/sys/net/core/somaxconn; id -G'`,
    );
    assert.equal(inside.code, 0, inside.stderr);
    assert.match(inside.stdout, /^10\.1\.2\.3\s+db\.local$/m);
    assert.match(inside.stdout, /^nameserver 10\.9\.9\.9$/m);
    assert.match(inside.stdout, /^search example\.test$/m);
    assert.match(inside.stdout, /^options ndots:3$/m);
    assert.match(inside.stdout, /^321$/m);
    assert.match(inside.stdout, /\b1234\b/);
    const d = await sh(`$DOCKER kube down --force ${file}`);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(await leftovers(), nothing);
  });

  it('bad input: one line, a non-zero exit, nothing made', async () => {
    const bad = (name: string, text: string) => {
      const f = join(base, name);
      writeFileSync(f, text);
      return f;
    };
    const pod = (extra = '') =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: k19bad\nspec:\n  containers:\n    - name: c\n      image: ${s.image}\n      ports:\n        - containerPort: 80\n${extra}`;
    const cases: [string, RegExp][] = [
      [`$DOCKER kube play ${base}/nosuch.yaml`, /cannot read/],
      [`$DOCKER kube play ${bad('job.yaml', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n')}`, /kind Job .* not supported/],
      [`$DOCKER kube play ${bad('broken.yaml', 'kind: [\n')}`, /broken\.yaml/],
      [
        `$DOCKER kube play ${bad('schema.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: many\n')}`,
        /Deployment d/,
      ],
      [`$DOCKER kube play --publish 9999:81 ${bad('pod.yaml', pod())}`, /--publish 9999:81/],
      [`$DOCKER kube play ${bad('missing.yaml', pod().replace(s.image, '127.0.0.1:5000/k19/nosuch:1'))}`, /nosuch/],
    ];
    for (const [cmd, re] of cases) {
      const r = await sh(cmd);
      assert.notEqual(r.code, 0, cmd);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, re, cmd);
    }
    assert.deepEqual(await leftovers(), nothing);
  });
});
