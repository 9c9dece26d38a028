// `dockui kube generate` as podman's: a running container → Deployment (or Pod) + Service for its
// published port + PersistentVolumeClaim for its named volume, with image, command, env, ports,
// mounts and the healthcheck as probes; every object valid against the Kubernetes schemas
// (checked here again, independently of the engine's own check, with kubernetes-models).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { scenario } from './scenario.js';

interface KubeDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}
type ModelClass = new (data: unknown) => { validate(): void };

const require = createRequire(import.meta.url);
const models: Record<string, ModelClass> = {
  'apps/v1/Deployment': (require('kubernetes-models/apps/v1') as Record<string, ModelClass>).Deployment!,
  'v1/Pod': (require('kubernetes-models/v1') as Record<string, ModelClass>).Pod!,
  'v1/Service': (require('kubernetes-models/v1') as Record<string, ModelClass>).Service!,
  'v1/PersistentVolumeClaim': (require('kubernetes-models/v1') as Record<string, ModelClass>).PersistentVolumeClaim!,
};

function docs(yamlText: string): KubeDoc[] {
  const all = parseAllDocuments(yamlText);
  const list = Array.isArray(all) ? all : [all];
  return list.map((d) => {
    assert.equal(d.errors.length, 0, String(d.errors[0]));
    return d.toJS() as KubeDoc;
  });
}

function validAll(objects: readonly KubeDoc[]): void {
  for (const o of objects) {
    const M = models[`${o.apiVersion}/${o.kind}`];
    assert.ok(M, `unexpected kind ${o.apiVersion}/${o.kind}`);
    new M(o).validate();
  }
}

describe('compat: kube generate', () => {
  const s = scenario('kube');
  before(async () => {
    const r = await s.sh('$DOCKER pull -q $IMAGE');
    assert.equal(r.code, 0, r.stderr);
    const run = await s.sh(
      `$DOCKER run -d --name kweb -e FOO=bar -p 127.0.0.1:18210:80 -v kdata:/data --health-cmd 'test -d /data' --health-interval 5s $IMAGE sleep 1000`,
    );
    assert.equal(run.code, 0, run.stderr);
  });
  after(async () => {
    await s.sh('$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1; $DOCKER volume rm kdata >/dev/null 2>&1; true');
    s.cleanup();
  });

  it('a container → Deployment + Service + PVC, schema-valid, keeping image, command, env, ports, volumes and probes', async () => {
    const r = await s.sh('$DOCKER kube generate -s kweb');
    assert.equal(r.code, 0, r.stderr);
    const objects = docs(r.stdout);
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['Deployment', 'PersistentVolumeClaim', 'Service']);
    validAll(objects);

    const dep = objects.find((o) => o.kind === 'Deployment')!;
    const pod = (dep.spec.template as { spec: { containers: Record<string, unknown>[]; volumes: Record<string, unknown>[] } }).spec;
    const c = pod.containers[0]!;
    assert.match(String(c.image), /fixture\/busybox/);
    assert.deepEqual([...(c.command as string[]), ...((c.args as string[]) ?? [])], ['sleep', '1000']);
    assert.ok((c.env as { name: string; value: string }[]).some((e) => e.name === 'FOO' && e.value === 'bar'));
    assert.deepEqual(c.ports, [{ containerPort: 80, hostPort: 18210, protocol: 'TCP' }]);
    const mount = (c.volumeMounts as { name: string; mountPath: string }[])[0]!;
    assert.equal(mount.mountPath, '/data');
    const vol = pod.volumes.find((v) => v.name === mount.name) as { persistentVolumeClaim: { claimName: string } };
    assert.equal(vol.persistentVolumeClaim.claimName, 'kdata');
    const probe = c.livenessProbe as { exec: { command: string[] }; periodSeconds: number };
    assert.deepEqual(probe.exec.command, ['/bin/sh', '-c', 'test -d /data']);
    assert.equal(probe.periodSeconds, 5);

    const svc = objects.find((o) => o.kind === 'Service')!;
    assert.deepEqual(
      (svc.spec.ports as { port: number; targetPort: number }[]).map((p) => [p.port, p.targetPort]),
      [[18210, 80]],
    );
    // A Deployment always restarts: the container's policy "no" is reported, not silently changed.
    assert.match(r.stderr, /restart policy no/);
  });

  it('--type pod writes a Pod that keeps the restart policy, and -f writes the file', async () => {
    const r = await s.sh('f=$(mktemp) && $DOCKER kube generate --type pod -f "$f" kweb && cat "$f" && rm -f "$f"');
    assert.equal(r.code, 0, r.stderr);
    const objects = docs(r.stdout);
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['PersistentVolumeClaim', 'Pod']);
    validAll(objects);
    assert.equal(objects.find((o) => o.kind === 'Pod')!.spec.restartPolicy, 'Never');
  });

  it('an unknown container or type is one line and a non-zero exit', async () => {
    const a = await s.sh('$DOCKER kube generate nosuch');
    assert.notEqual(a.code, 0);
    assert.equal(a.stderr.trim().split('\n').length, 1, a.stderr);
    assert.match(a.stderr, /no such container: nosuch/);
    const b = await s.sh('$DOCKER kube generate --type job kweb');
    assert.notEqual(b.code, 0);
    assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);
    assert.equal(b.stdout, '');
  });

  it("run's further flags: hosts, DNS, sysctls and groups in the pod's spec; ulimits and the rest reported", async () => {
    const create = await s.sh(
      `$DOCKER create --name kextra --add-host db.local:10.1.2.3 --add-host cache.local:10.1.2.3 --dns 10.9.9.9 --dns-search example.test --dns-option ndots:3 --sysctl net.core.somaxconn=321 --group-add 1234 --ulimit nofile=1024:2048 $IMAGE sleep 1000`,
    );
    assert.equal(create.code, 0, create.stderr);
    const r = await s.sh('$DOCKER kube generate --type pod kextra');
    assert.equal(r.code, 0, r.stderr);
    const objects = docs(r.stdout);
    validAll(objects);
    const pod = objects.find((o) => o.kind === 'Pod')!.spec;
    assert.deepEqual(pod.hostAliases, [{ ip: '10.1.2.3', hostnames: ['db.local', 'cache.local'] }]);
    assert.equal(pod.dnsPolicy, 'None');
    assert.deepEqual(pod.dnsConfig, { nameservers: ['10.9.9.9'], searches: ['example.test'], options: [{ name: 'ndots', value: '3' }] });
    assert.deepEqual(pod.securityContext, { sysctls: [{ name: 'net.core.somaxconn', value: '321' }], supplementalGroups: [1234] });
    assert.match(r.stderr, /--ulimit nofile: no Kubernetes field/);
  });
});
