// The engine's one process-liveness helper (src/engine/sysx.ts), on real processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { pidAlive, procStart } from '../../src/engine/sysx.js';

describe('sysx liveness', () => {
  it('knows this process, and tells a reused pid by its start time', () => {
    const start = procStart(process.pid);
    assert.match(start ?? '', /^\d+$/);
    assert.equal(pidAlive(process.pid), true);
    assert.equal(pidAlive(process.pid, start), true);
    assert.equal(pidAlive(process.pid, `${start}1`), false);
  });

  it('a process that has exited is not alive; nonsense pids never are', async () => {
    const child = spawn('true');
    const pid = child.pid!;
    await once(child, 'exit'); // reaped by Node: the pid is free
    assert.equal(pidAlive(pid), false);
    assert.equal(procStart(pid), undefined);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.equal(pidAlive(bad), false, String(bad));
  });
});
