// Golden corpus: every folder under test/fixtures/dockerfiles is a case. A case holds a
// Dockerfile, an optional build-args.json, and expected.json (the node dump, the typed stages
// and every step expanded with the build args); negative/<case> holds expected-error.txt, the
// one line `formatError` prints. A new case is a new folder; UPDATE_GOLDEN=1 rewrites the
// expected files (check them by eye before committing).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatError, isEngineError } from '../../../src/engine/define.js';
import { dump, GlobalScope, parseDockerfile, parseNodes } from '../../../src/engine/dockerfile/index.js';
import type { Dockerfile, Instruction } from '../../../src/engine/dockerfile/index.js';
import { repoRoot } from '../../helpers/env.js';

const corpus = join(repoRoot, 'test/fixtures/dockerfiles');
const update = process.env.UPDATE_GOLDEN === '1';
// Fixed platforms so that expected files do not depend on the machine running the tests.
const platform = { os: 'linux', architecture: 'amd64' } as const;

function caseDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n !== 'negative' && statSync(join(dir, n)).isDirectory())
    .sort();
}

function buildArgs(dir: string): Record<string, string> {
  const p = join(dir, 'build-args.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, string>) : {};
}

function strip(ins: Instruction): Record<string, unknown> {
  const { range: _range, text: _text, ...rest } = ins;
  if (rest.kind === 'onbuild') return { ...rest, instruction: strip(rest.instruction) };
  return rest;
}

/** Every stage's steps expanded as a builder would, from an empty base image env. */
function expandAll(df: Dockerfile, args: Record<string, string>): unknown[] {
  const global = new GlobalScope(df, { buildArgs: args, targetPlatform: platform, buildPlatform: platform });
  return df.stages.map((stage) => {
    const scope = global.stage();
    const steps = stage.instructions.map((ins) => strip(scope.apply(ins)));
    return { from: strip(global.expandFrom(stage.from)), steps, runEnv: scope.runEnv() };
  });
}

function golden(dir: string): unknown {
  const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const nodes = parseNodes(text);
  const df = parseDockerfile(text);
  return { dump: dump(nodes), dockerfile: df, expanded: expandAll(df, buildArgs(dir)) };
}

function failure(dir: string): string {
  const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  try {
    const df = parseDockerfile(text);
    expandAll(df, buildArgs(dir));
  } catch (e) {
    if (!isEngineError(e)) throw e;
    assert.equal(e.code, 'invalid_argument');
    assert.ok(e.range, 'a Dockerfile error carries its range');
    return formatError(e);
  }
  return '(no error)';
}

const positive = caseDirs(corpus);
const negative = caseDirs(join(corpus, 'negative'));

describe('Dockerfile corpus', () => {
  it('has at least 60 cases and a negative set', () => {
    assert.ok(positive.length >= 60, `only ${positive.length} cases`);
    assert.ok(negative.length >= 15, `only ${negative.length} negative cases`);
  });

  for (const name of positive) {
    it(name, () => {
      const dir = join(corpus, name);
      const actual = JSON.parse(JSON.stringify(golden(dir))) as unknown;
      const file = join(dir, 'expected.json');
      if (update || !existsSync(file)) {
        if (!update) assert.fail(`${name}: no expected.json (run with UPDATE_GOLDEN=1, then check it by eye)`);
        writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
        return;
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});

describe('Dockerfile corpus: errors', () => {
  for (const name of negative) {
    it(name, () => {
      const dir = join(corpus, 'negative', name);
      const actual = failure(dir);
      const file = join(dir, 'expected-error.txt');
      if (update) {
        writeFileSync(file, actual + '\n');
        return;
      }
      assert.ok(existsSync(file), `${name}: no expected-error.txt`);
      assert.equal(actual, readFileSync(file, 'utf8').trimEnd());
    });
  }
});
