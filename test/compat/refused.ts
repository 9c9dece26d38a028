// A run/create refused as Docker refuses it: one line on stderr, exit 125, nothing left behind.
import assert from 'node:assert/strict';
import type { Scenario } from './scenario.js';

/** `run` with these flags is refused: one line on stderr, exit 125, no container named h14run-bad. */
export async function refused(s: Scenario, flags: string, line: RegExp): Promise<void> {
  const r = await s.sh(`$DOCKER run --rm --name h14run-bad ${flags} $IMAGE true`);
  assert.equal(r.code, 125, `${flags}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.split('\n').length, 2, `${flags}: one line: ${r.stderr}`);
  assert.match(r.stderr, line, flags);
  assert.equal((await s.sh('$DOCKER ps -aq --filter name=h14run-bad')).stdout, '', `${flags}: nothing left`);
}
