// Why src/views/Table.tsx exists: ink-table 3.1.0 (pinned) is CommonJS and require()s Ink,
// and Ink 6 is ESM with top-level await, which require() cannot load. Should a later
// ink-table load, this fails, and Table.tsx can be reconsidered.
import assert from 'node:assert/strict';
import { it } from 'node:test';

it('ink-table 3.1.0 cannot load under Ink 6', async () => {
  // Node says ERR_REQUIRE_ASYNC_MODULE; under tsx (the test runner) the loader says the same in its words.
  await assert.rejects(import('ink-table'), (e: unknown) => {
    const code = (e as { code?: string }).code;
    return code === 'ERR_REQUIRE_ASYNC_MODULE' || /top-level await/i.test(String((e as Error).message));
  });
});
