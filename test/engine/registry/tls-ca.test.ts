// Extra CAs handed over by the launcher (DOCKUI_EXTRA_CA_CERTS, from NODE_EXTRA_CA_CERTS): the
// registry transport trusts them, as Node would have. A real HTTPS server on 127.0.0.1 with a
// certificate from a CA made here by openssl; each case in its own process, since the agent and
// the CA list are made once per process.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockuiBin, repoRoot } from '../../helpers/env.js';

function run(
  cmd: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('extra CA certificates', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let script: string;
  const baseEnv = () => {
    const e: Record<string, string | undefined> = { ...process.env };
    delete e.NODE_EXTRA_CA_CERTS;
    delete e.DOCKUI_EXTRA_CA_CERTS;
    return e;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dockui-tls-'));
    const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=dockui test CA',
    );
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'srv.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'srv.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    );
    server = createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) }, (_req, res) => {
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
    script = join(dir, 'get.mts'); // ESM wherever it lies (top-level await)
    writeFileSync(
      script,
      `import { request, readBody } from ${JSON.stringify(join(repoRoot, 'src/engine/registry/http.ts'))};\n` +
        `try { const r = await request(new URL(${JSON.stringify(url)}), { timeoutMs: 5000 }); console.log(r.status, (await readBody(r, 1000, 'body')).toString()); }\n` +
        `catch (e) { console.log('error', (e as Error).message); }\n`,
    );
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the transport trusts DOCKUI_EXTRA_CA_CERTS, and only then', async () => {
    const plain = await run(process.execPath, ['--import', 'tsx', script], baseEnv());
    assert.match(plain.stdout, /^error .*(self[- ]signed|unable to (get|verify))/i, plain.stdout + plain.stderr);
    const withCa = await run(process.execPath, ['--import', 'tsx', script], {
      ...baseEnv(),
      DOCKUI_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    });
    assert.equal(withCa.stdout.trim(), '200 {"ok":true}', withCa.stderr);
    // Node's own variable, set when Node started, keeps working for a direct `node` start.
    const nodeVar = await run(process.execPath, ['--import', 'tsx', script], {
      ...baseEnv(),
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
    });
    assert.equal(nodeVar.stdout.trim(), '200 {"ok":true}', nodeVar.stderr);
  });

  it('the launcher hands NODE_EXTRA_CA_CERTS over instead of letting Node load it at start-up', async () => {
    // Node warns at start-up about a file it cannot load; through bin/dockui.js it never tries.
    const direct = await run(process.execPath, ['-e', '0'], {
      ...baseEnv(),
      NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem'),
    });
    assert.match(direct.stderr, /Ignoring extra certs/);
    const viaLauncher = await run(dockuiBin, ['version'], {
      ...baseEnv(),
      NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem'),
    });
    assert.equal(viaLauncher.code, 0, viaLauncher.stderr);
    assert.doesNotMatch(viaLauncher.stderr, /Ignoring extra certs/);
    assert.match(viaLauncher.stdout, /^dockui /);
  });
});
