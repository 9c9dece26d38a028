// Debian's docker-compose 1.29 (docker-py, API 1.41) driving `dockui system service`: a network
// made through /networks/create (a real dockui bridge), two services on it that resolve each
// other by name, a published port on 127.0.0.1, then down: containers and network gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../helpers/env.js';
import { cleanupService, run, startService, type TestService } from './service.js';

const port = 18531;

describe('docker-compose 1.29 through dockui system service', () => {
  let s: TestService;
  let dir: string;
  before(async () => {
    s = await startService();
    dir = join(s.root, 'proj');
    mkdirSync(dir);
    const image = `${registry()}/fixture/busybox`;
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      `version: "3"
services:
  web:
    image: ${image}
    command: ["sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports: ["127.0.0.1:${port}:8080"]
  client:
    image: ${image}
    command: ["sh", "-c", "until wget -qO- http://web:8080/ > /tmp/got; do sleep 0.2; done; exec sleep 600"]
    depends_on: [web]
`,
    );
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  it('up -d: a dockui network, both services on it, names resolved, the port published; down removes all', async () => {
    const up = await run('sh', ['-c', `cd ${dir} && docker-compose -p net16t up -d`], { DOCKER_HOST: `unix://${s.socket}` }, '', 120_000);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /Creating network "net16t_default"/);
    assert.match(up.stderr, /Creating net16t_web_1 \.\.\. done/);
    assert.match(up.stderr, /Creating net16t_client_1 \.\.\. done/);
    // The network is dockui's own: its CLI's root has it, a bridge with a /24.
    const inspect = await s.docker(['network', 'inspect', '-f', '{{.Driver}} {{len .Containers}}', 'net16t_default']);
    assert.equal(inspect.stdout.trim(), 'bridge 2', inspect.stderr);
    let got = '';
    for (let i = 0; i < 50 && got !== 'hello-from-web\n'; i++) {
      got = (await s.docker(['exec', 'net16t_client_1', 'cat', '/tmp/got'])).stdout;
      if (got !== 'hello-from-web\n') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(got, 'hello-from-web\n');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'hello-from-web\n');
    const ps = await s.dockui(['ps', '--format', '{{.Names}}']);
    assert.deepEqual(ps.stdout.split('\n').filter(Boolean).sort(), ['net16t_client_1', 'net16t_web_1']);

    const down = await run(
      'sh',
      ['-c', `cd ${dir} && docker-compose -p net16t down -t 1`],
      { DOCKER_HOST: `unix://${s.socket}` },
      '',
      120_000,
    );
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /Removing network net16t_default/);
    assert.equal((await s.docker(['ps', '-aq'])).stdout, '');
    assert.equal((await s.docker(['network', 'ls', '-q', '--filter', 'type=custom'])).stdout, '');
  });
});
