// Secrets and configs through `kube generate` and `kube play`: a Compose project with a file
// secret, an environment secret and a content config → up → kube generate (a v1 Secret with
// base64 data, a ConfigMap, secret/configMap volumes with items at the same paths; every object
// schema-valid) → kube down of the project, kube play of the YAML → the same files, read-only,
// inside the played pod's container → kube down removes them. And a hand-written pod: a whole
// secret volume as a directory (items, defaultMode), an optional missing one, and an item path
// with `..` refused before anything is made.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../helpers/env.js';
import { scenario } from './scenario.js';

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };
type ModelClass = new (data: unknown) => { validate(): void };
const require = createRequire(import.meta.url);
const v1 = require('kubernetes-models/v1') as Record<string, ModelClass>;
const models: Record<string, ModelClass> = {
  'apps/v1/Deployment': (require('kubernetes-models/apps/v1') as Record<string, ModelClass>).Deployment!,
  'v1/Pod': v1.Pod!,
  'v1/Secret': v1.Secret!,
  'v1/ConfigMap': v1.ConfigMap!,
};
const docs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);

const env = { DOCKUI_BRIDGE_PREFIX: 'dksek', DOCKUI_SUBNET_POOL: '10.232.0.0/16', SEC_KTOKEN: 'ktok-1' };

describe('compat: secrets and configs through kube generate and kube play', { timeout: 600_000 }, () => {
  const s = scenario('kube-secrets', 'sec-');
  const base = s.root.replace(/\/root$/, '');
  const proj = join(base, 'proj');
  const yamlFile = join(base, 'app.yaml');
  const podFile = join(base, 'pod.yaml');
  const sh = (script: string, timeoutMs = 240_000) => s.sh(script, { env, timeoutMs });

  before(async () => {
    execFileSync('bash', [join(repoRoot, 'scripts/make-base-image.sh'), '--root', s.root, '--runroot', s.runRoot], { stdio: 'pipe' });
    mkdirSync(proj);
    writeFileSync(join(proj, 'pw.txt'), 'file-s3cret\n');
    writeFileSync(
      join(proj, 'compose.yaml'),
      [
        'services:',
        '  app:',
        '    image: busybox:static',
        '    command: ["sleep", "300"]',
        '    secrets:',
        '      - pw',
        '      - source: token',
        '        target: /etc/tok',
        '        mode: 0400',
        '    configs:',
        '      - source: cfg',
        '        target: /etc/app/app.conf',
        'secrets:',
        '  pw:',
        '    file: ./pw.txt',
        '  token:',
        '    environment: SEC_KTOKEN',
        'configs:',
        '  cfg:',
        '    content: |',
        '      listen 8080',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sh(
      `$DOCKER kube down ${yamlFile} >/dev/null 2>&1; $DOCKER kube down ${podFile} >/dev/null 2>&1; $DOCKER compose -p sec-kube -f ${proj}/compose.yaml down -t 0 >/dev/null 2>&1; $DOCKER network rm kube >/dev/null 2>&1; true`,
    );
    s.cleanup();
  });

  it('compose up → kube generate: a Secret, a ConfigMap and volumes with items; kube play: the same files, read-only', async () => {
    const up = await sh(`$DOCKER compose -p sec-kube -f ${proj}/compose.yaml up -d`);
    assert.equal(up.code, 0, up.stderr);
    const g = await sh(`$DOCKER kube generate --compose-project sec-kube > ${yamlFile}`);
    assert.equal(g.code, 0, g.stderr);
    const objects = docs(readFileSync(yamlFile, 'utf8'));
    for (const o of objects) {
      const M = models[`${o.apiVersion}/${o.kind}`];
      assert.ok(M, `${o.kind} is not expected`);
      new M(o).validate();
    }
    const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    assert.deepEqual(byName('Secret', 'sec-kube-pw')?.data, { pw: Buffer.from('file-s3cret\n').toString('base64') });
    assert.deepEqual(byName('Secret', 'sec-kube-token')?.data, { token: Buffer.from('ktok-1').toString('base64') });
    assert.deepEqual(byName('ConfigMap', 'sec-kube-cfg')?.data, { cfg: 'listen 8080\n' });
    const pod = (byName('Deployment', 'app')?.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    const c = (pod.containers as Record<string, unknown>[])[0]!;
    const mounts = c.volumeMounts as { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
    assert.deepEqual(
      mounts.map((m) => [m.mountPath, m.subPath, m.readOnly]),
      [
        ['/run/secrets/pw', 'pw', true],
        ['/etc/tok', 'tok', true],
        ['/etc/app/app.conf', 'app.conf', true],
      ],
    );
    const vols = pod.volumes as Record<string, unknown>[];
    assert.deepEqual(vols.find((v) => v.name === mounts[1]!.name)?.secret, {
      secretName: 'sec-kube-token',
      items: [{ key: 'token', path: 'tok', mode: 0o400 }],
    });
    assert.deepEqual(vols.find((v) => v.name === mounts[2]!.name)?.configMap, {
      name: 'sec-kube-cfg',
      items: [{ key: 'cfg', path: 'app.conf', mode: 0o444 }],
    });

    // The project goes; the YAML plays on its own.
    const down = await sh(`$DOCKER compose -p sec-kube -f ${proj}/compose.yaml down -t 0`);
    assert.equal(down.code, 0, down.stderr);
    const play = await sh(`$DOCKER kube play ${yamlFile}`);
    assert.equal(play.code, 0, play.stderr);
    const read = await sh(
      `$DOCKER exec app-pod-app sh -c 'cat /run/secrets/pw /etc/tok /etc/app/app.conf; stat -c "%a" /etc/tok /etc/app/app.conf'`,
    );
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout, 'file-s3cret\nktok-1listen 8080\n400\n444\n');
    const w = await sh(`$DOCKER exec app-pod-app sh -c 'echo x > /etc/tok'`);
    assert.notEqual(w.code, 0);
    assert.match(w.stderr, /Read-only file system/);
    const kd = await sh(`$DOCKER kube down ${yamlFile}`);
    assert.equal(kd.code, 0, kd.stderr);
    const left = readdirSync(join(s.root, 'containers')).filter((d) => !d.startsWith('.'));
    assert.deepEqual(left, [], 'kube down left container dirs (and the files in them)');
  });

  it('kube play: a secret volume as a directory (items, defaultMode), an optional missing one; `..` in an item path refused', async () => {
    const podYaml = (itemPath: string) =>
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: creds}',
        `data: {user: ${Buffer.from('alice').toString('base64')}, pass: ${Buffer.from('pw!').toString('base64')}}`,
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: sec-dirpod}',
        'spec:',
        '  containers:',
        '    - name: c',
        '      image: busybox:static',
        '      command: ["sleep", "300"]',
        '      volumeMounts:',
        '        - {name: creds, mountPath: /creds}',
        '        - {name: gone, mountPath: /gone}',
        '  volumes:',
        '    - name: creds',
        '      secret:',
        '        secretName: creds',
        '        defaultMode: 0400',
        `        items: [{key: user, path: ${itemPath}}, {key: pass, path: p/pass, mode: 0440}]`,
        '    - name: gone',
        '      secret: {secretName: nowhere, optional: true}',
        '',
      ].join('\n');
    writeFileSync(podFile, podYaml('../../etc/x'));
    const bad = await sh(`$DOCKER kube play ${podFile}`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /item path "\.\.\/\.\.\/etc\/x" must be relative and hold no '\.\.'/);
    assert.equal((await sh('$DOCKER ps -aq; $DOCKER pod ls -q')).stdout.trim(), '', 'a refused play made something');
    assert.equal(existsSync('/etc/x'), false);

    writeFileSync(podFile, podYaml('u/user'));
    const play = await sh(`$DOCKER kube play ${podFile}`);
    assert.equal(play.code, 0, play.stderr);
    const r = await sh(
      `$DOCKER exec sec-dirpod-c sh -c 'cat /creds/u/user /creds/p/pass; stat -c "%a" /creds/u/user /creds/p/pass; ls -A /gone'`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'alicepw!400\n440\n');
    const kd = await sh(`$DOCKER kube down ${podFile}`);
    assert.equal(kd.code, 0, kd.stderr);
  });
});
