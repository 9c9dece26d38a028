import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  containerStatus,
  familiarName,
  formatBytes,
  formatDuration,
  formatPorts,
  humanDuration,
  pad,
  shortId,
  truncateRef,
} from '../../src/views/format.js';

describe('formats', () => {
  it('prints sizes and durations as docker does', () => {
    assert.equal(formatBytes(0), '0B');
    assert.equal(formatBytes(4_300_000), '4.30MB');
    assert.equal(formatBytes(123_456_789), '123MB');
    assert.equal(formatDuration(350), '350ms');
    assert.equal(formatDuration(1234), '1.23s');
    assert.equal(formatDuration(125_000), '2m05s');
    assert.equal(humanDuration(3 * 3600_000), '3 hours');
    assert.equal(humanDuration(60_000), 'About a minute');
  });

  it('prints container status, ports, ids and names', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const base = { id: 'x', name: 'n', image: 'i', imageId: 'sha256:1', command: '', createdAt: '2026-01-01T10:00:00Z', ports: [] };
    assert.equal(containerStatus({ ...base, state: 'running', startedAt: '2026-01-01T11:57:00Z' }, now), 'Up 3 minutes');
    assert.equal(
      containerStatus({ ...base, state: 'exited', exitCode: 137, exitReason: 'oom', finishedAt: '2026-01-01T10:00:00Z' }, now),
      'Exited (137) oom 2 hours ago',
    );
    assert.equal(formatPorts([{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]), '127.0.0.1:8080->80/tcp');
    assert.equal(shortId('sha256:0123456789abcdef'), '0123456789ab');
    assert.equal(familiarName('docker.io/library/busybox:latest'), 'busybox:latest');
    assert.equal(familiarName('127.0.0.1:5000/fixture/web:latest'), '127.0.0.1:5000/fixture/web:latest');
    assert.equal(pad('abcdef', 4), 'abc…');
    assert.equal(pad('7', 3, 'right'), '  7');
  });
});

describe('truncateRef', () => {
  it('drops the registry end first, keeping name:tag', () => {
    const ref = '127.0.0.1:5500/fixture/web:latest';
    assert.equal(truncateRef(ref, 40), ref);
    assert.equal(truncateRef(ref, 16), '…ture/web:latest');
    assert.equal(truncateRef(ref, 11), '…web:latest');
    assert.equal(truncateRef(ref, 8), 'web:lat…', 'name:tag alone too long: its end goes');
    assert.equal(truncateRef(ref, 0), '');
  });
});
