import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseRunForm,
  runFields,
  runForm,
  runFormReducer,
  splitWords,
  type RunField,
  type RunFormState,
} from '../../src/views/run-form.js';

function typed(image: string, values: Partial<Record<RunField, string>>): RunFormState {
  let s = runForm(image);
  for (const f of runFields) {
    const v = values[f];
    if (v) s = runFormReducer(s, { type: 'edit', action: { type: 'insert', text: v } });
    s = runFormReducer(s, { type: 'next' });
  }
  return s;
}

describe('run form', () => {
  it('turns the fields into RunOptions', () => {
    const r = parseRunForm(
      typed('web:latest', { name: 'web1', ports: '8080:80, 127.0.0.1:5353:53/udp', env: 'A=1 B="two words"', command: "sh -c 'echo hi'" }),
    );
    assert.deepEqual(r, {
      ok: true,
      options: {
        image: 'web:latest',
        name: 'web1',
        publish: ['8080:80', '127.0.0.1:5353:53/udp'],
        env: ['A=1', 'B=two words'],
        cmd: ['sh', '-c', 'echo hi'],
      },
    });
    assert.deepEqual(parseRunForm(runForm('busybox')), { ok: true, options: { image: 'busybox' } });
  });

  it('names the field at fault', () => {
    assert.deepEqual(parseRunForm(typed('x', { name: 'bad name!' })).ok, false);
    const port = parseRunForm(typed('x', { ports: '80:99999' }));
    assert.equal(port.ok ? '' : port.field, 'ports');
    const env = parseRunForm(typed('x', { env: 'NOEQUALS' }));
    assert.equal(env.ok ? '' : env.field, 'env');
    const cmd = parseRunForm(typed('x', { command: 'echo "open' }));
    assert.equal(cmd.ok ? '' : cmd.field, 'command');
  });

  it('moves focus to an invalid field and clears its error once edited', () => {
    let s = typed('x', { ports: 'nope' });
    s = runFormReducer(s, { type: 'invalid', field: 'ports', message: 'bad' });
    assert.equal(s.focus, 1);
    s = runFormReducer(s, { type: 'edit', action: { type: 'backspace' } });
    assert.equal(s.error, undefined);
    assert.equal(runFormReducer(s, { type: 'prev' }).focus, 0);
    assert.equal(runFormReducer(runFormReducer(s, { type: 'prev' }), { type: 'prev' }).focus, runFields.length - 1, 'wraps');
  });

  it('splits words like a shell', () => {
    assert.deepEqual(splitWords(`a "b c" 'd e' f\\ g ""`), ['a', 'b c', 'd e', 'f g', '']);
    assert.throws(() => splitWords('"open'), /unterminated/);
  });

  // Issue 14: the run flags added this wave, each in its field.
  it('restart, health, network, add-host, ulimits, cap-add/drop and labels become RunOptions', () => {
    const r = parseRunForm(
      typed('web:latest', {
        restart: 'on-failure:3',
        health: 'wget -qO- localhost:80',
        network: 'backend',
        hosts: 'db:10.0.0.5 cache:host-gateway',
        ulimits: 'nofile=1024:2048 nproc=512',
        capAdd: 'NET_ADMIN, SYS_TIME',
        capDrop: 'CHOWN',
        labels: 'team=web tier="front end" bare',
      }),
    );
    assert.deepEqual(r, {
      ok: true,
      options: {
        image: 'web:latest',
        restart: { Name: 'on-failure', MaximumRetryCount: 3 },
        healthcheck: { Test: ['CMD-SHELL', 'wget -qO- localhost:80'] },
        network: 'backend',
        addHosts: ['db:10.0.0.5', 'cache:host-gateway'],
        ulimits: ['nofile=1024:2048', 'nproc=512'],
        capAdd: ['NET_ADMIN', 'SYS_TIME'],
        capDrop: ['CHOWN'],
        labels: { team: 'web', tier: 'front end', bare: '' },
      },
    });
    const field = (v: Partial<Record<RunField, string>>) => {
      const x = parseRunForm(typed('x', v));
      return x.ok ? '' : `${x.field}: ${x.message}`;
    };
    assert.equal(
      field({ restart: 'sometimes' }),
      'restart: invalid restart policy "sometimes": use no, always, unless-stopped or on-failure[:N]',
    );
    assert.equal(field({ restart: 'always:3' }).split(':')[0], 'restart');
    assert.equal(field({ hosts: 'nocolon' }), 'hosts: invalid host "nocolon": use NAME:IP');
    assert.equal(field({ labels: '=v' }), 'labels: invalid label "=v": use KEY=value');
    assert.equal(field({ network: 'a b' }), 'network: one network: "a b" has spaces');
    assert.equal(field({ ulimits: 'nofile="1' }).split(':')[0], 'ulimits');
  });
});
