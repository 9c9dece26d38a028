// `ps` and `images` print docker's columns through the shared table helper: the real built
// CLI on an empty private root.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, tempRoot } from '../helpers/env.js';

describe('listings on an empty root', () => {
  it('ps -a and images print their headers as docker lays them out', async () => {
    const t = tempRoot();
    try {
      const ps = await runCli(['ps', '-a'], { root: t.root });
      assert.equal(ps.code, 0, ps.stderr);
      assert.equal(ps.stdout, 'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
      const images = await runCli(['images'], { root: t.root });
      assert.equal(images.code, 0, images.stderr);
      assert.equal(images.stdout, 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
    } finally {
      t.cleanup();
    }
  });
});
