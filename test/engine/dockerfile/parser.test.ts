// Stages 1 and 2 beyond the golden corpus: source positions, directives, heredoc edge cases,
// flag handling, error positions and messages, and the speed the dev loop relies on.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatError, isEngineError } from '../../../src/engine/define.js';
import { dump, GlobalScope, parseDockerfile, parseInstruction, parseMount, parseNodes } from '../../../src/engine/dockerfile/index.js';
import { repoRoot } from '../../helpers/env.js';

function errorOf(text: string, file = 'Dockerfile'): string {
  try {
    parseDockerfile(text, { file });
  } catch (e) {
    if (isEngineError(e)) return formatError(e);
    throw e;
  }
  return '(parsed)';
}

describe('stage 1: nodes and ranges', () => {
  it('gives each node its start line, first column and end line', () => {
    const text = 'FROM a\n\n  RUN one \\\n    two \\\n    three\nCOPY <<EOF /x\nbody\nEOF\n';
    const { nodes } = parseNodes(text, { file: 'app/Dockerfile' });
    assert.deepEqual(
      nodes.map((n) => n.range),
      [
        { file: 'app/Dockerfile', line: 1, column: 1, endLine: 1 },
        { file: 'app/Dockerfile', line: 3, column: 3, endLine: 5 },
        { file: 'app/Dockerfile', line: 6, column: 1, endLine: 8 },
      ],
    );
  });

  it('keeps the comments right above an instruction', () => {
    const { nodes } = parseNodes('# one\n# two\nFROM a\n\n# three\nRUN x\nRUN y\n');
    assert.deepEqual(
      nodes.map((n) => n.comments),
      [['one', 'two'], ['three'], []],
    );
  });

  it('reads directives only at the very top', () => {
    assert.equal(parseNodes('# escape=`\nFROM a\n').directives.escape, '`');
    assert.equal(parseNodes('\n# escape=`\nFROM a\n').directives.escape, '\\');
    assert.equal(parseNodes('FROM a\n# escape=`\n').directives.escape, '\\');
    assert.equal(parseNodes('# ESCAPE = `\nFROM a\n').directives.escape, '`');
    assert.deepEqual(parseNodes('# syntax=docker/dockerfile:1\n# check=error=true\nFROM a').directives, {
      escape: '\\',
      syntax: 'docker/dockerfile:1',
      check: 'error=true',
    });
  });

  it('a BOM and CRLF line ends change nothing', () => {
    const plain = dump(parseNodes('FROM a\nRUN x \\\n  y\nCOPY <<E /f\nline\nE\n'));
    const windows = dump(parseNodes('\ufeffFROM a\r\nRUN x \\\r\n  y\r\nCOPY <<E /f\r\nline\r\nE\r\n'));
    assert.deepEqual(windows.slice(0, 2), plain.slice(0, 2));
    // Heredoc bodies keep their bytes, as BuildKit keeps them.
    assert.equal(windows[2], '4:1-6 (copy "<<E" "/f" <<E "line\\r\\n")');
  });

  it('a heredoc body is not subject to comments or continuations', () => {
    const { nodes } = parseNodes('FROM a\nRUN <<EOF\n# kept\nline \\\nEOF\nRUN next\n');
    assert.equal(nodes[1]?.heredocs[0]?.content, '# kept\nline \\\n');
    assert.equal(nodes[2]?.original, 'RUN next');
  });

  it('a file that ends inside a continuation keeps what it has', () => {
    assert.deepEqual(dump(parseNodes('FROM a\nRUN echo \\')), ['1:1-1 (from "a")', '2:1-2 (run "echo")']);
  });

  it('the heredoc terminator must match exactly (<<- allows leading tabs)', () => {
    assert.match(errorOf('FROM a\nRUN <<EOF\nx\n EOF\n'), /^Dockerfile:2:5: unterminated heredoc/);
    assert.equal(parseNodes('FROM a\nRUN <<-EOF\nx\n\t\tEOF\n').nodes[1]?.range.endLine, 4);
  });

  it('dump() prints one line per node', () => {
    assert.deepEqual(dump(parseNodes('FROM --platform=linux/arm64 a AS b\nENV K V W\nONBUILD RUN x\n')), [
      '1:1-1 (from ["--platform=linux/arm64"] "a" "AS" "b")',
      '2:1-2 (env legacy "K" "V W")',
      '3:1-3 (onbuild (run "x"))',
    ]);
  });
});

describe('stage 2: typed instructions', () => {
  it('groups instructions into stages with names, indexes and ranges', () => {
    const df = parseDockerfile('ARG V=1\nFROM a AS One\nRUN x\n\nFROM b\nRUN y\nRUN z\n');
    assert.equal(df.globalArgs.length, 1);
    assert.deepEqual(
      df.stages.map((s) => [s.index, s.name, s.from.image, s.instructions.map((i) => i.kind), s.range.line, s.range.endLine]),
      [
        [0, 'one', 'a', ['run'], 2, 3],
        [1, undefined, 'b', ['run', 'run'], 5, 7],
      ],
    );
  });

  it('keeps the instruction text for progress lines', () => {
    const df = parseDockerfile('FROM a\nRUN apk add \\\n    curl\n');
    assert.equal(df.stages[0]?.instructions[0]?.text, 'RUN apk add     curl');
  });

  it('parses healthcheck durations into nanoseconds', () => {
    const ins = parseInstruction('HEALTHCHECK --interval=1m30s --timeout=1.5s --start-period=250ms --retries=2 CMD ["true"]');
    assert.ok(ins.kind === 'healthcheck');
    assert.deepEqual([ins.intervalNs, ins.timeoutNs, ins.startPeriodNs, ins.retries], [90e9, 1.5e9, 250e6, 2]);
    assert.deepEqual(ins.test, { form: 'exec', args: ['true'] });
  });

  it('parses ONBUILD triggers into the instruction they wrap', () => {
    const ins = parseInstruction('ONBUILD COPY --chown=1 a /b');
    assert.ok(ins.kind === 'onbuild' && ins.instruction.kind === 'copy');
    assert.equal(ins.trigger, 'COPY --chown=1 a /b');
    assert.equal(ins.instruction.chown, '1');
  });

  it('parses mount specs with their defaults', () => {
    assert.deepEqual(parseMount('type=cache,target=/c'), { type: 'cache', target: '/c', readonly: false, id: '/c', sharing: 'shared' });
    assert.deepEqual(parseMount('target=/src'), { type: 'bind', target: '/src', readonly: true });
    assert.deepEqual(parseMount('type=secret,src=tok'), { type: 'secret', target: '/run/secrets/tok', readonly: true, id: 'tok' });
    assert.deepEqual(parseMount('type=ssh'), { type: 'ssh', target: '/run/buildkit/ssh_agent.0', readonly: true, id: 'default' });
    assert.deepEqual(parseMount('"type=bind","target=/a,b",ro=false'), { type: 'bind', target: '/a,b', readonly: false });
    assert.throws(() => parseMount('type=tmpfs,target=/t,uid=1'), /"uid" is not valid for a tmpfs mount/);
  });

  it('accepts flags BuildKit accepts, in any case of keyword', () => {
    const df = parseDockerfile('from a\ncopy --link --parents --exclude=a --exclude=b x y /z/\nadd --keep-git-dir --unpack=false u /v\n');
    const [copy, add] = df.stages[0]?.instructions ?? [];
    assert.ok(copy?.kind === 'copy' && add?.kind === 'add');
    assert.deepEqual([copy.link, copy.parents, copy.exclude, copy.sources, copy.dest], [true, true, ['a', 'b'], ['x', 'y'], '/z/']);
    assert.deepEqual([add.keepGitDir, add.unpack], [true, false]);
  });
});

describe('errors name file:line:column and say what to do', () => {
  const cases: [string, string, string][] = [
    ['unknown instruction with a hint', 'FROM a\nCOPPY x /y\n', 'df:2:1: unknown instruction: COPPY (did you mean COPY?)'],
    [
      'unknown flag on a continued line',
      'FROM a\nRUN --network=none \\\n    --mnt=type=cache,target=/x \\\n    true\n',
      'df:3:5: unknown flag --mnt for RUN (did you mean --mount?); RUN takes --mount, --network, --security',
    ],
    [
      'bad mount option on a continued line',
      'FROM a\nRUN \\\n  --mount=type=cache,target=/x,sharing=all true\n',
      'df:3:11: bad --mount: unsupported sharing value "all" (use shared, private or locked)',
    ],
    [
      'missing FROM',
      'RUN x\n',
      'df:1:1: RUN before the first FROM: a Dockerfile must start with FROM (only ARG and parser directives may come before it)',
    ],
    [
      'unterminated heredoc',
      'FROM a\nCOPY <<A <<B /d\na\nA\nb\n',
      'df:2:6: unterminated heredoc: no line "B" closes the heredoc opened here (end of file reached)',
    ],
    [
      'non-string JSON',
      'FROM a\nENTRYPOINT ["a", ["b"]]\n',
      'df:2:12: when using JSON array syntax, arrays must be comprised of strings only (write ["cmd", "arg"])',
    ],
    ['missing argument', 'FROM a\nUSER\n', 'df:2:1: USER requires exactly one argument'],
    ['indented instruction', 'FROM a\n    EXPOSE 99999\n', 'df:2:12: invalid port "99999" (ports run from 1 to 65535)'],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.equal(errorOf(text, 'df'), expected));
  }

  it('never throws anything but EngineError for a user mistake', () => {
    for (const text of [
      '',
      '\n\n',
      '# only\n',
      'FROM',
      'FROM a\nONBUILD',
      'FROM a\nHEALTHCHECK',
      'FROM a\nCOPY',
      'FROM a\nLABEL',
      'FROM a\nARG =x',
    ]) {
      assert.throws(
        () => parseDockerfile(text),
        (e: unknown) => isEngineError(e) && e.range !== undefined,
        JSON.stringify(text),
      );
    }
  });
});

describe('pathological inputs', () => {
  const clean = (text: string, re: RegExp): void => {
    assert.throws(
      () => {
        const df = parseDockerfile(text);
        const global = new GlobalScope(df);
        for (const st of df.stages) {
          const scope = global.stage();
          for (const ins of st.instructions) scope.apply(ins);
        }
      },
      (e: unknown) => isEngineError(e) && re.test(e.message) && !e.message.includes('\n') && e.message.length <= 400,
    );
  };

  it('end in a short one-line EngineError, not a stack overflow', () => {
    clean('FROM a\nENV A=' + '${X:-'.repeat(20_000) + '}'.repeat(20_000), /nested more than 64 deep/);
    clean('FROM a\n' + 'ONBUILD '.repeat(50_000) + 'RUN x', /ONBUILD ONBUILD is not allowed/);
    clean('FROM a\nCMD ' + '['.repeat(100_000) + ']'.repeat(100_000), /arrays must be comprised of strings only/);
    clean('FROM a\nLABEL ' + '"'.repeat(100_001), /has no value/);
    clean('FROM a\nVOLUME ["a\\nb", " "]', /VOLUME specified can not be an empty string/);
    clean('FROM a\nCOPY --' + 'x'.repeat(10_000) + ' a b', /^unknown flag --"x+\.\.\." for COPY/);
  });

  it('stay fast on long files', () => {
    const text = 'FROM a\n' + 'RUN echo hello \\\n  world\n'.repeat(20_000);
    const start = performance.now();
    assert.equal(parseDockerfile(text).stages[0]?.instructions.length, 20_000);
    assert.ok(performance.now() - start < 2_000);
  });
});

describe('speed', () => {
  it('parses a typical Dockerfile in well under a millisecond', (t) => {
    const dir = join(repoRoot, 'test/fixtures/dockerfiles');
    const texts = ['node-official', 'multistage-node', 'rails-app', 'python-official'].map((n) =>
      readFileSync(join(dir, n, 'Dockerfile'), 'utf8'),
    );
    assert.ok(readdirSync(dir).length > 60);
    for (let i = 0; i < 200; i++) for (const t of texts) parseDockerfile(t); // warm up the JIT
    // CPU time, best of several rounds: the machine is shared, and wall time measures the load.
    let perFileMs = Infinity;
    for (let round = 0; round < 10; round++) {
      const before = process.cpuUsage();
      for (let i = 0; i < 50; i++) for (const t of texts) parseDockerfile(t);
      const used = process.cpuUsage(before);
      perFileMs = Math.min(perFileMs, (used.user + used.system) / 1000 / (50 * texts.length));
    }
    t.diagnostic(`parse: ${(perFileMs * 1000).toFixed(0)} µs of CPU per file`);
    assert.ok(perFileMs < 0.5, `parse took ${perFileMs.toFixed(3)} ms per file`);
  });
});
