// The cgroup resources of run/create as dockerd 20.10 checks and adapts them (resources.ts),
// including the host this suite cannot be: one without swap accounting, where dockerd warns and
// limits memory without swap (MemorySwap -1); and the spec fields they become.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkResources, specResources, startRefusal } from '../../../src/engine/runtime/resources.js';
import type { ContainerRecord } from '../../../src/engine/runtime/records.js';

const mib = 1024 * 1024;
const noSwapWarning = 'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.';

describe('run resources as dockerd takes them', () => {
  it('with swap accounting: -m alone allows as much swap again; --memory-swap and -1 as given', () => {
    assert.deepEqual(checkResources({ image: 'x' }, 50 * mib, true), { memorySwap: 100 * mib, warnings: [] });
    assert.deepEqual(checkResources({ image: 'x', memorySwap: 60 * mib }, 50 * mib, true), { memorySwap: 60 * mib, warnings: [] });
    assert.deepEqual(checkResources({ image: 'x', memorySwap: -1 }, 50 * mib, true), { memorySwap: -1, warnings: [] });
    assert.deepEqual(checkResources({ image: 'x' }, undefined, true), { warnings: [] });
  });

  it('without swap accounting: a warning and unlimited swap (MemorySwap -1), as dockerd on such a host', () => {
    assert.deepEqual(checkResources({ image: 'x' }, 50 * mib, false), { memorySwap: -1, warnings: [noSwapWarning] });
    assert.deepEqual(checkResources({ image: 'x', memorySwap: 100 * mib }, 50 * mib, false), {
      memorySwap: -1,
      warnings: [noSwapWarning],
    });
    assert.deepEqual(checkResources({ image: 'x', memorySwap: -1 }, 50 * mib, false), { memorySwap: -1, warnings: [] });
    // No --memory: nothing to warn of, and the swap without a memory limit is refused all the same.
    assert.throws(() => checkResources({ image: 'x', memorySwap: 100 * mib }, undefined, false), /You should always set the Memory limit/);
  });

  it("dockerd's refusals, in its order and words", () => {
    const refused = (opts: Parameters<typeof checkResources>[0], memory: number | undefined, words: RegExp) =>
      assert.throws(
        () => checkResources(opts, memory, true),
        (e: Error & { code?: string }) => words.test(e.message) && e.code === 'invalid_argument',
      );
    refused({ image: 'x', memorySwap: 40 * mib }, 50 * mib, /^Minimum memoryswap limit should be larger than memory limit, see usage$/);
    refused(
      { image: 'x', memorySwap: 40 * mib },
      undefined,
      /^You should always set the Memory limit when using Memoryswap limit, see usage$/,
    );
    refused({ image: 'x', memoryReservation: 1024 }, undefined, /^Minimum memory reservation allowed is 6MB$/);
    refused(
      { image: 'x', memoryReservation: 20 * mib },
      10 * mib,
      /^Minimum memory limit can not be less than memory reservation limit, see usage$/,
    );
  });

  it('the spec: limit, reservation, swap when positive, shares when positive, the quota unrounded', () => {
    assert.deepEqual(specResources({ memoryBytes: 50 * mib, memorySwap: -1, memoryReservation: 20 * mib, cpuShares: 512, nanoCpus: 1e6 }), {
      memory: { limit: 50 * mib, reservation: 20 * mib },
      cpu: { shares: 512, period: 100_000, quota: 100 },
    });
    assert.deepEqual(specResources({ cpuShares: -5 }), {});
    assert.match(startRefusal({ cpuShares: -5 } as ContainerRecord)!.message, /^shares: invalid argument$/);
    const gpu = { Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['utility', 'gpu']], Options: {} };
    assert.equal(
      startRefusal({ deviceRequests: [gpu] } as unknown as ContainerRecord)!.message,
      'could not select device driver "" with capabilities: [[utility gpu]]',
    );
    assert.equal(startRefusal({} as ContainerRecord), undefined);
  });
});
