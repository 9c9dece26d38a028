// From instruction to argv: shell vs exec form, RUN heredocs as BuildKit runs them, and the
// image config's health-check test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandArgv, exposedPortKeys, healthcheckTest, parseInstruction, runPlan } from '../../../src/engine/dockerfile/index.js';
import type { RunPlan } from '../../../src/engine/dockerfile/index.js';

function plan(text: string, shell?: string[]): RunPlan {
  const ins = parseInstruction(text);
  assert.ok(ins.kind === 'run');
  return runPlan(ins, shell);
}

describe('commands', () => {
  it('shell form goes through SHELL, exec form runs as written', () => {
    const cmd = parseInstruction('CMD echo "$HOME"');
    const exec = parseInstruction('ENTRYPOINT ["/app", "--flag"]');
    assert.ok(cmd.kind === 'cmd' && exec.kind === 'entrypoint');
    assert.deepEqual(commandArgv(cmd.command), ['/bin/sh', '-c', 'echo "$HOME"']);
    assert.deepEqual(commandArgv(cmd.command, ['pwsh', '-Command']), ['pwsh', '-Command', 'echo "$HOME"']);
    assert.deepEqual(commandArgv(exec.command), ['/app', '--flag']);
    assert.deepEqual(plan('RUN ["true"]'), { kind: 'argv', argv: ['true'] });
  });

  it('a lone heredoc is the script', () => {
    assert.deepEqual(plan('RUN <<EOF\napk add curl\necho done\nEOF'), {
      kind: 'argv',
      argv: ['/bin/sh', '-c', 'apk add curl\necho done\n'],
    });
    assert.deepEqual(plan('RUN <<-EOF\n\techo tabs\n\tEOF', ['/bin/bash', '-c']), {
      kind: 'argv',
      argv: ['/bin/bash', '-c', 'echo tabs\n'],
    });
  });

  it('a lone heredoc with a shebang runs as an executable file', () => {
    assert.deepEqual(plan('RUN <<PY\n#!/usr/bin/env python3\nprint(1)\nPY'), {
      kind: 'script-file',
      dir: '/dev/pipes',
      name: 'PY',
      data: '#!/usr/bin/env python3\nprint(1)\n',
      argv: ['/dev/pipes/PY'],
    });
  });

  it('anything else is handed to the shell with the bodies put back', () => {
    assert.deepEqual(plan('RUN python3 <<PY\nprint(1)\nPY'), { kind: 'argv', argv: ['/bin/sh', '-c', 'python3 <<PY\nprint(1)\nPY'] });
    assert.deepEqual(plan('RUN <<A cat > /a && <<B cat > /b\na\nA\nb\nB'), {
      kind: 'argv',
      argv: ['/bin/sh', '-c', '<<A cat > /a && <<B cat > /b\na\nA\nb\nB'],
    });
  });

  it('writes the health-check test as the image config stores it', () => {
    const test = (text: string): string[] => {
      const h = parseInstruction(text);
      assert.ok(h.kind === 'healthcheck');
      return healthcheckTest(h);
    };
    assert.deepEqual(test('HEALTHCHECK NONE'), ['NONE']);
    assert.deepEqual(test('HEALTHCHECK CMD curl -f http://localhost/ || exit 1'), ['CMD-SHELL', 'curl -f http://localhost/ || exit 1']);
    assert.deepEqual(test('HEALTHCHECK CMD ["/bin/check", "-q"]'), ['CMD', '/bin/check', '-q']);
  });

  it('lists exposed ports as the image config keys them', () => {
    assert.deepEqual(exposedPortKeys(['80', '53/UDP', '8000-8002/tcp']), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp', '8002/tcp']);
    assert.throws(() => exposedPortKeys(['http']), /invalid port "http"/);
  });
});
