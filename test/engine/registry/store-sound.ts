// Shared by the registry tests: a store is sound when its own check finds nothing and, checked
// independently, every blob hashes to its name.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../../src/engine/store/index.js';

/** The store's own check, plus an independent one: every blob hashes to its name, no leftovers. */
export async function assertStoreSound(store: Store): Promise<void> {
  const report = await store.check();
  assert.deepEqual(report.problems, [], JSON.stringify(report.problems));
  const dir = join(store.root, 'blobs', 'sha256');
  for (const name of readdirSync(dir)) {
    const hex = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
    assert.equal(hex, name, `blob ${name} is corrupt`);
  }
}
