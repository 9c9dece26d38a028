// Which stages a build needs for a target: FROM, COPY --from and RUN --mount from= edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import {
  GlobalScope,
  instructionAt,
  parseDockerfile,
  parseInstruction,
  stageDependencies,
  stagesFor,
} from '../../../src/engine/dockerfile/index.js';

const text = [
  'ARG FLAVOR=alpine',
  'FROM $FLAVOR:3.19 AS base', // 0
  'FROM base AS deps', // 1
  'FROM base AS assets', // 2
  'RUN true',
  'FROM golang AS tools', // 3
  'FROM deps AS build', // 4
  'ARG FROM_STAGE=assets',
  'COPY --from=$FROM_STAGE /a /a',
  'RUN --mount=type=bind,from=tools,target=/t true',
  'FROM base AS unrelated', // 5
  'COPY --from=0 / /',
  'FROM build', // 6
  'COPY --from=alpine:3.19 /etc/os-release /',
].join('\n');

describe('stages a build needs', () => {
  const df = parseDockerfile(text);
  const global = new GlobalScope(df);

  it('records each stage’s dependencies, with ARGs expanded', () => {
    assert.deepEqual(stageDependencies(df, global), [[], [0], [0], [], [1, 2, 3], [0], [4]]);
  });

  it('builds only what the target needs, in file order', () => {
    assert.deepEqual(
      stagesFor(df, global).map((s) => s.index),
      [0, 1, 2, 3, 4, 6],
    );
    assert.deepEqual(
      stagesFor(df, global, 'DEPS').map((s) => s.name),
      ['base', 'deps'],
    );
    assert.deepEqual(
      stagesFor(df, global, 'unrelated').map((s) => s.index),
      [0, 5],
    );
  });

  it('names the known stages when the target is unknown', () => {
    assert.throws(
      () => stagesFor(df, global, 'nope'),
      (e: unknown) =>
        isEngineError(e) &&
        e.code === 'not_found' &&
        e.message === 'target stage "nope" could not be found (stages: base, deps, assets, tools, build, unrelated)',
    );
  });

  it('a build arg can redirect COPY --from to another stage', () => {
    const g = new GlobalScope(df, { buildArgs: { FROM_STAGE: 'base' } });
    assert.deepEqual(stageDependencies(df, g)[4], [0, 1, 3]);
  });

  it('a FROM naming a later stage is an image, not a dependency', () => {
    const d = parseDockerfile('FROM later\nFROM alpine AS later\n');
    assert.deepEqual(stageDependencies(d, new GlobalScope(d)), [[], []]);
  });
});

describe('parseInstruction', () => {
  it('parses an ONBUILD trigger with its file’s escape character', () => {
    const ins = parseInstruction('RUN echo a `\n  b', { escape: '`' });
    assert.ok(ins.kind === 'run');
    assert.deepEqual(ins.command, { form: 'shell', script: 'echo a   b' });
    assert.equal(ins.range.line, 1);
  });

  it('parses a trigger with a heredoc body', () => {
    const ins = parseInstruction('COPY <<EOF /etc/x\nbody\nEOF');
    assert.ok(ins.kind === 'copy');
    assert.deepEqual(ins.heredocs, [{ name: 'EOF', data: 'body\n', expand: true }]);
  });
});

describe('instructionAt', () => {
  it('finds the instruction covering a line, continuations and heredocs included', () => {
    const df = parseDockerfile('FROM a AS one\nRUN x \\\n  y\n\nFROM b\nCOPY <<EOF /f\nbody\nEOF\n');
    const at = (line: number): string | undefined => {
      const hit = instructionAt(df, line);
      return hit && `${hit.stage.index}:${hit.instruction.kind}`;
    };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(at), [
      '0:from',
      '0:run',
      '0:run',
      undefined,
      '1:from',
      '1:copy',
      '1:copy',
      '1:copy',
      undefined,
    ]);
  });
});
