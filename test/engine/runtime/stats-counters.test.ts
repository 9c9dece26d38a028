// The Stats pane's counters: network bytes from a netns's /proc/PID/net/dev (lo left out), block
// IO from cgroup v1's blkio.throttle.io_service_bytes, and the host's memory from /proc/meminfo.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { blockCounters, netCounters } from '../../../src/engine/runtime/containers.js';
import { HostSampler, parseMeminfo } from '../../../src/engine/facade/host.js';

const netDev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
  eth0:    1500      12    0    0    0     0          0         0      700       9    0    0    0     0       0          0
  tap0:     500       2    0    0    0     0          0         0       20       1    0    0    0     0       0          0
`;

describe('stats counters', () => {
  it('sums rx and tx bytes over every interface but lo', () => {
    assert.deepEqual(netCounters(netDev), { netRxBytes: 2000, netTxBytes: 720 });
    assert.deepEqual(netCounters(''), {});
    // This process's own netns parses too (whatever its interfaces).
    const own = netCounters(readFileSync('/proc/self/net/dev', 'utf8'));
    assert.ok((own.netRxBytes ?? -1) >= 0 && (own.netTxBytes ?? -1) >= 0);
  });

  it('sums block reads and writes over devices, leaving out the totals', () => {
    const text = [
      '8:0 Read 4096',
      '8:0 Write 8192',
      '8:0 Sync 0',
      '8:0 Total 12288',
      '8:16 Read 100',
      '8:16 Write 0',
      'Total 12388',
      '',
    ].join('\n');
    assert.deepEqual(blockCounters(text), { blockReadBytes: 4196, blockWriteBytes: 8192 });
    assert.deepEqual(blockCounters(''), {});
  });

  it("reads the host's memory and CPU busy share", async () => {
    const m = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
    assert.ok(m.total > 0 && m.available > 0 && m.available <= m.total);
    const h = await new HostSampler().sample();
    assert.ok(h.cpus >= 1);
    assert.ok(h.cpuPercent >= 0 && h.cpuPercent <= 100);
    assert.ok(h.memUsedBytes > 0 && h.memUsedBytes < h.memTotalBytes);
    assert.equal(h.load.length, 3);
  });
});
