// What a hostile registry says reaches the user's terminal as text, never as its commands: the
// words of a registry's error reply (its errors[].message) hold escape sequences that would set
// the window title (OSC 0), write the clipboard (OSC 52) or clear the screen when printed raw.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EngineError, formatError } from '../../src/engine/define.js';
import { runCli, tempRoot } from '../helpers/env.js';

const hostile = '\u001b]0;PWNED\u0007\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J\u009b31m';

describe('a registry’s words on the terminal', () => {
  let server: Server;
  let reg: string;
  const t = tempRoot('dockui-termsec-');
  before(async () => {
    server = createServer((req, res) => {
      // The catalog: access denied; a manifest: a login needed; both in hostile words.
      const status = req.url?.startsWith('/v2/_catalog') ? 403 : req.url?.includes('/manifests/') ? 401 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{}' : JSON.stringify({ errors: [{ code: 'DENIED', message: hostile }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    reg = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    t.cleanup();
  });

  for (const args of [(r: string) => ['search', `${r}/x`], (r: string) => ['pull', `${r}/x`]])
    it(`dockui ${args('REG').join(' ')}: one line, the escapes shown, not sent`, async () => {
      const r = await runCli(args(reg), { root: t.root });
      assert.notEqual(r.code, 0);
      const line = r.stderr.split('\n').find((l) => l.startsWith('dockui: ')) ?? '';
      assert.match(line, /denied|login/, r.stderr);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(r.stderr + r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, JSON.stringify(r.stderr));
    });

  it('any error line shows control characters escaped (line breaks and tabs kept)', () => {
    assert.equal(
      formatError(new EngineError('invalid_argument', `bad \u001b]0;x\u0007 name\tand\nmore`)),
      'bad \\u001b]0;x\\u0007 name\tand\nmore',
    );
  });
});
