// Subnets are chosen across every root on the host: networks created at the same moment from
// different roots (two users' stores, two test files) get different /24s, so each network's
// resolver can bind its own gateway address. Found by the suite: two roots both took the pool's
// first /24 and the second network's daemon exited on start (EADDRINUSE on the gateway).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli, tempRoot } from '../helpers/env.js';

// This file's own bridge prefix and pool (bridges are host-wide).
const env = { DOCKUI_BRIDGE_PREFIX: 'dksub', DOCKUI_SUBNET_POOL: '10.233.0.0/16' };

describe('network subnets across roots', () => {
  const roots = [tempRoot('dockui-subnets-a-'), tempRoot('dockui-subnets-b-'), tempRoot('dockui-subnets-c-')];
  const cli = (i: number, ...a: string[]) => runCli(a, { root: roots[i]!.root, env });
  after(async () => {
    await Promise.all(roots.map((_, i) => cli(i, 'network', 'prune', '-f')));
    for (const r of roots) r.cleanup();
  });

  it('networks made at once from three roots get three subnets and three working daemons', async () => {
    const made = await Promise.all([0, 1, 2].map((i) => cli(i, 'network', 'create', `sub${i}`)));
    for (const r of made) assert.equal(r.code, 0, r.stderr);
    const subnets = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const r = await cli(i, 'network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', `sub${i}`);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim();
      }),
    );
    for (const s of subnets) assert.match(s, /^10\.233\.\d+\.0\/24$/);
    assert.equal(new Set(subnets).size, 3, subnets.join(' '));
  });
});
