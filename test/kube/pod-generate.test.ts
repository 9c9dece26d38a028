// `dockui kube generate POD` (issue 19): a pod of two containers becomes ONE Deployment whose pod
// spec holds both (not one workload per container), with the pod's published port as a Service,
// its named volume as a PersistentVolumeClaim and a healthcheck as probes, every object valid
// against the Kubernetes schemas (kubernetes-models); then the round trip: the YAML → `kube play`
// → both containers share localhost again and the port serves → `kube down`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot, runCli } from '../helpers/env.js';

const root = mkdtempSync('/var/tmp/c15k-kubepod-');
const port = Number(process.env.DOCKUI_TEST_PORT ?? 18450);
const env = { DOCKUI_BRIDGE_PREFIX: 'c15kk', DOCKUI_SUBNET_POOL: '10.227.0.0/16' };
const yamlFile = join(root, 'pod.yaml');

type ModelClass = new (data: unknown) => { validate(): void };
const require = createRequire(import.meta.url);
const models: Record<string, ModelClass> = {
  'apps/v1/Deployment': (require('kubernetes-models/apps/v1') as Record<string, ModelClass>).Deployment!,
  'v1/Service': (require('kubernetes-models/v1') as Record<string, ModelClass>).Service!,
  'v1/PersistentVolumeClaim': (require('kubernetes-models/v1') as Record<string, ModelClass>).PersistentVolumeClaim!,
};

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { containerPort: number; hostPort?: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: { exec: { command: string[] }; periodSeconds: number };
  readinessProbe?: unknown;
}
interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    template?: { spec: { containers: Container[]; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] } };
    ports?: { port: number; targetPort: number }[];
  };
}

async function dockui(args: readonly string[]) {
  const r = await runCli(args, { root, env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, `dockui ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

async function until(what: string, ms: number, f: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(() => {
  execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', root], { stdio: 'pipe' });
});

after(async () => {
  await runCli(['kube', 'down', '--force', yamlFile], { root, env });
  await runCli(['pod', 'rm', '-f', 'c15kpod'], { root, env });
  rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

describe('kube generate POD', { timeout: 400_000 }, () => {
  let docs: Doc[] = [];

  it('a pod of two containers → one Deployment with both, a Service for its port, a PVC, probes; schema-valid', async () => {
    await dockui(['pod', 'create', '--name', 'c15kpod', '-p', `127.0.0.1:${port}:8080`]);
    await dockui([
      'run', '-d', '--name', 'c15kpod-srv', '--pod', 'c15kpod', '-v', 'c15kdata:/data', 'busybox:static',
      'sh', '-c', 'echo from-pod > /data/index.html; exec httpd -f -p 8080 -h /data',
    ]); // prettier-ignore
    await dockui([
      'run', '-d', '--name', 'c15kpod-client', '--pod', 'c15kpod', '--health-cmd', 'wget -qO- http://127.0.0.1:8080/',
      '--health-interval', '2s', 'busybox:static', 'sleep', '3600',
    ]); // prettier-ignore
    const r = await dockui(['kube', 'generate', '-s', 'c15kpod']);
    docs = parseAllDocuments(r.stdout).map((d) => {
      assert.equal(d.errors.length, 0, String(d.errors[0]));
      return d.toJS() as Doc;
    });
    for (const d of docs) {
      const M = models[`${d.apiVersion}/${d.kind}`];
      assert.ok(M, `unexpected kind ${d.apiVersion}/${d.kind}`);
      new M(d).validate();
    }
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    assert.equal(deployments.length, 1, 'one workload for the pod, not one per container');
    const spec = deployments[0]!.spec.template!.spec;
    assert.deepEqual(
      spec.containers.map((c) => c.name),
      ['srv', 'client'],
    );
    const [srv, client] = spec.containers as [Container, Container];
    assert.equal(srv.image, 'busybox:static');
    assert.deepEqual(
      [srv.command?.[0], ...(srv.args ?? [])],
      ['sh', '-c', 'echo from-pod > /data/index.html; exec httpd -f -p 8080 -h /data'],
    );
    assert.deepEqual(srv.ports, [{ containerPort: 8080, hostPort: port, protocol: 'TCP' }]);
    assert.equal(srv.volumeMounts?.[0]?.mountPath, '/data');
    const vol = spec.volumes?.find((v) => v.name === srv.volumeMounts?.[0]?.name);
    assert.equal(vol?.persistentVolumeClaim?.claimName, 'c15kdata');
    assert.deepEqual(client.livenessProbe?.exec.command, ['/bin/sh', '-c', 'wget -qO- http://127.0.0.1:8080/']);
    assert.equal(client.livenessProbe?.periodSeconds, 2);
    assert.ok(client.readinessProbe);
    const svc = docs.find((d) => d.kind === 'Service');
    assert.deepEqual(
      svc?.spec.ports?.map((p) => [p.port, p.targetPort]),
      [[port, 8080]],
    );
    assert.ok(docs.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === 'c15kdata'));
    writeFileSync(yamlFile, r.stdout);
  });

  it('round trip: kube play of that YAML → both containers share localhost again; the port serves; kube down', async () => {
    await dockui(['pod', 'rm', '-f', 'c15kpod']);
    await dockui(['kube', 'play', yamlFile]);
    await until('client reaches srv on localhost', 30_000, async () => {
      const r = await runCli(['exec', 'c15kpod-pod-client', 'wget', '-qO-', 'http://127.0.0.1:8080/'], { root, env });
      return r.code === 0 && r.stdout === 'from-pod\n';
    });
    await until('the published port serves', 30_000, async () => {
      try {
        return (await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) })).text()) === 'from-pod\n';
      } catch {
        return false;
      }
    });
    await dockui(['kube', 'down', '--force', yamlFile]);
    assert.equal((await dockui(['ps', '-aq'])).stdout, '');
  });
});
