// Stage 3: the shell-lexer rules for every operator, quotes and escapes, where expansion
// applies, and BuildKit's ARG scoping (global, per stage, --build-arg, proxy and platform args).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../../../src/engine/define.js';
import {
  expandInstruction,
  findStage,
  GlobalScope,
  parseDockerfile,
  processWord,
  processWords,
  ShellLexError,
} from '../../../src/engine/dockerfile/index.js';
import type { Instruction, VarLookup } from '../../../src/engine/dockerfile/index.js';

const vars: Record<string, string> = { SET: 'value', EMPTY: '', FILE: 'archive.tar.gz', SPACED: 'a b  c', PATHY: '/usr/bin:/bin' };
const lookup: VarLookup = (name) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
const w = (s: string, opts?: Parameters<typeof processWord>[2]): string => processWord(s, lookup, opts);
const platform = { os: 'linux', architecture: 'arm64', variant: 'v8' } as const;
const build = { os: 'linux', architecture: 'amd64' } as const;

describe('shell lexer: substitution operators', () => {
  const table: [string, string, string, string][] = [
    // operator, set, empty, unset
    ['${X:-w}', 'value', 'w', 'w'],
    ['${X-w}', 'value', '', 'w'],
    ['${X:+w}', 'w', '', ''],
    ['${X+w}', 'w', 'w', ''],
    ['$X', 'value', '', ''],
    ['${X}', 'value', '', ''],
  ];
  for (const [op, set, empty, unset] of table) {
    it(`${op} when set, empty and unset`, () => {
      assert.equal(w(op.replace('X', 'SET')), set);
      assert.equal(w(op.replace('X', 'EMPTY')), empty);
      assert.equal(w(op.replace('X', 'UNSET')), unset);
    });
  }

  it('${V:?msg} and ${V?msg} fail with the message only when they should', () => {
    assert.equal(w('${SET:?needed}'), 'value');
    assert.equal(w('${EMPTY?needed}'), '');
    assert.throws(
      () => w('${UNSET:?pass --build-arg UNSET}'),
      (e: unknown) => e instanceof ShellLexError && e.message === 'UNSET: pass --build-arg UNSET',
    );
    assert.throws(() => w('${EMPTY:?}'), /EMPTY: is not allowed to be empty/);
    assert.throws(() => w('${UNSET?}'), /UNSET: is not allowed to be unset/);
  });

  it('nests substitutions and expands inside the word', () => {
    assert.equal(w('${UNSET:-${SET}-x}'), 'value-x');
    assert.equal(w('${UNSET:-"quoted $SET"}'), 'quoted value');
    assert.equal(w('${SET:+[$SET]}'), '[value]');
  });

  it('supports prefix/suffix removal and replacement patterns', () => {
    assert.equal(w('${FILE%.*}'), 'archive.tar');
    assert.equal(w('${FILE%%.*}'), 'archive');
    assert.equal(w('${FILE#*.}'), 'tar.gz');
    assert.equal(w('${FILE##*.}'), 'gz');
    assert.equal(w('${FILE/a/A}'), 'Archive.tar.gz');
    assert.equal(w('${FILE//a/A}'), 'Archive.tAr.gz');
    assert.equal(w('${PATHY%%:*}'), '/usr/bin');
    assert.equal(w('${FILE%.[gx]z}'), 'archive.tar');
  });

  it('reports malformed substitutions', () => {
    assert.throws(() => w('${SET'), /missing '}'/);
    assert.throws(() => w('${}'), /bad substitution/);
    assert.throws(() => w('${:x}'), /bad substitution/);
    assert.throws(() => w('${SET:x}'), /unsupported modifier \(x\)/);
    assert.throws(() => w('${SET:-unterminated'), /missing '}'/);
  });

  it('leaves a lone or trailing $ alone and reads names as the shell does', () => {
    assert.equal(w('$'), '$');
    assert.equal(w('cost: 5$'), 'cost: 5$');
    assert.equal(w('$SETx'), '');
    assert.equal(w('${SET}x'), 'valuex');
    assert.equal(w('$SET.txt'), 'value.txt');
    assert.equal(w('$1abc'), 'abc'); // positional: digits only, unset
  });
});

describe('shell lexer: quotes and escapes', () => {
  it('single quotes are literal, double quotes expand', () => {
    assert.equal(w('\'$SET "x"\''), '$SET "x"');
    assert.equal(w('"$SET \'x\'"'), "value 'x'");
    assert.equal(w('a"b c"d\'e f\'g'), 'ab cde fg');
  });

  it('the escape character escapes $, quotes and itself', () => {
    assert.equal(w('\\$SET'), '$SET');
    assert.equal(w('"\\$SET"'), '$SET');
    assert.equal(w('"a \\"b\\" \\\\ c"'), 'a "b" \\ c');
    assert.equal(w('"keep \\n"'), 'keep \\n'); // other escapes stay in double quotes
    assert.equal(w('un\\ quoted'), 'un quoted');
    assert.equal(w('trailing\\'), 'trailing');
  });

  it('honours `# escape=`` (backtick), leaving backslashes literal', () => {
    assert.equal(w('C:\\dir\\$SET', { escape: '`' }), 'C:\\dir\\value');
    assert.equal(w('`$SET', { escape: '`' }), '$SET');
    assert.equal(w('"a `"b`""', { escape: '`' }), 'a "b"');
  });

  it('fails on unterminated quotes', () => {
    assert.throws(() => w("'open"), /matching single-quote/);
    assert.throws(() => w('"open'), /matching double-quote/);
  });

  it('splits words on unquoted whitespace, including expansion results', () => {
    assert.deepEqual(processWords('$SPACED "x y" \'z w\' u\\ v', lookup), ['a', 'b', 'c', 'x y', 'z w', 'u v']);
    assert.deepEqual(processWords('"$SPACED"', lookup), ['a b  c']);
    assert.deepEqual(processWords('  ', lookup), []);
  });

  it('a heredoc body expands $ but keeps quotes and other backslashes', () => {
    const body = 'name="$SET" \'$SET\' \\$SET C:\\dir\n';
    assert.equal(processWord(body, lookup, { heredocBody: true }), 'name="value" \'value\' $SET C:\\dir\n');
  });
});

function stage0(text: string): { df: ReturnType<typeof parseDockerfile>; steps: readonly Instruction[] } {
  const df = parseDockerfile(text);
  return { df, steps: df.stages[0]?.instructions ?? [] };
}

function labelsOf(ins: Instruction): Record<string, string> {
  assert.equal(ins.kind, 'label');
  return Object.fromEntries(ins.kind === 'label' ? ins.pairs.map((p) => [p.key, p.value]) : []);
}

/** Runs every step of stage `index` through a stage scope; returns the expanded steps and the scope. */
function run(text: string, buildArgs: Record<string, string> = {}, index = 0, baseEnv: string[] = []) {
  const df = parseDockerfile(text);
  const global = new GlobalScope(df, { buildArgs, targetPlatform: platform, buildPlatform: build });
  const stage = df.stages[index];
  assert.ok(stage);
  const scope = global.stage(baseEnv);
  const steps = stage.instructions.map((i) => scope.apply(i));
  return { df, global, scope, steps, from: global.expandFrom(stage.from) };
}

describe('where expansion applies', () => {
  it('expands ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR and mounts, not RUN CMD ENTRYPOINT', () => {
    const text = [
      'ARG IMG=alpine',
      'FROM --platform=$BUILDPLATFORM $IMG:3.19',
      'ARG V=1 D=/data P=8080 S=SIGTERM U=app',
      'ADD --chown=$U $V.tar /$V/',
      'COPY --from=stage$V --chmod=0$V$V$V --exclude=*.$V src$V /dst$V/',
      'ENV E=$V',
      'EXPOSE $P/udp',
      'LABEL l=$V',
      'STOPSIGNAL $S',
      'USER $U:$U',
      'VOLUME $D /v$V',
      'WORKDIR $D/w',
      'RUN --mount=type=cache,target=$D/cache,id=c$V echo $V',
      'CMD echo $V',
      'ENTRYPOINT ["echo", "$V"]',
      'HEALTHCHECK CMD echo $V',
      'SHELL ["/bin/sh", "-c", "$V"]',
      'ONBUILD RUN echo $V',
    ].join('\n');
    const { steps, from } = run(text);
    assert.equal(from.image, 'alpine:3.19');
    assert.equal(from.platform, 'linux/amd64');
    const byKind = new Map(steps.map((s) => [s.kind, s]));
    const get = <K extends Instruction['kind']>(k: K): Extract<Instruction, { kind: K }> =>
      byKind.get(k) as Extract<Instruction, { kind: K }>;
    assert.deepEqual([get('add').sources, get('add').dest, get('add').chown], [['1.tar'], '/1/', 'app']);
    const copy = get('copy');
    assert.deepEqual([copy.from, copy.chmod, copy.exclude, copy.sources, copy.dest], ['stage1', '0111', ['*.1'], ['src1'], '/dst1/']);
    assert.deepEqual(get('env').pairs, [{ key: 'E', value: '1' }]);
    assert.deepEqual(get('expose').ports, ['8080/udp']);
    assert.deepEqual(get('label').pairs, [{ key: 'l', value: '1' }]);
    assert.equal(get('stopsignal').signal, 'SIGTERM');
    assert.equal(get('user').user, 'app:app');
    assert.deepEqual(get('volume').paths, ['/data', '/v1']);
    assert.equal(get('workdir').path, '/data/w');
    const r = get('run');
    assert.deepEqual(r.mounts, [{ type: 'cache', target: '/data/cache', id: 'c1', readonly: false, sharing: 'shared' }]);
    assert.deepEqual(r.command, { form: 'shell', script: 'echo $V' });
    assert.deepEqual(get('cmd').command, { form: 'shell', script: 'echo $V' });
    assert.deepEqual(get('entrypoint').command, { form: 'exec', args: ['echo', '$V'] });
    assert.deepEqual(get('healthcheck').test, { form: 'shell', script: 'echo $V' });
    assert.deepEqual(get('shell').shell, ['/bin/sh', '-c', '$V']);
    assert.equal(get('onbuild').trigger, 'RUN echo $V');
  });

  it('points an expansion error at the instruction', () => {
    const { df, steps } = stage0('FROM a\nARG V\n\nWORKDIR /x/${V:?set V with --build-arg V=...}\n');
    const global = new GlobalScope(df);
    const scope = global.stage();
    scope.apply(steps[0] as Instruction);
    assert.throws(
      () => scope.apply(steps[1] as Instruction),
      (e: unknown) =>
        isEngineError(e) &&
        e.code === 'invalid_argument' &&
        e.message === 'V: set V with --build-arg V=...' &&
        e.range?.line === 4 &&
        e.range.column === 1,
    );
  });

  it('checks mounts, ports and signals again once expanded', () => {
    const bad = (text: string, re: RegExp): void => {
      assert.throws(
        () => run(text),
        (e: unknown) => isEngineError(e) && re.test(e.message),
      );
    };
    bad('FROM a\nARG T=volume\nRUN --mount=type=$T,target=/x true', /unsupported mount type "volume"/);
    bad('FROM a\nARG P=http\nEXPOSE $P', /invalid port "http"/);
    bad('FROM a\nARG S=SIGNOPE\nSTOPSIGNAL $S', /invalid signal "SIGNOPE"/);
    bad('ARG B\nFROM $B', /expands to an empty name/);
  });

  it('expands an unquoted heredoc body of COPY and leaves a quoted one alone', () => {
    const { steps } = run('FROM a\nARG N=world\nCOPY <<A <<"B" /d/\nhi $N\nA\nhi $N\nB\n');
    const copy = steps[1];
    assert.ok(copy?.kind === 'copy');
    assert.deepEqual(
      copy.heredocs.map((h) => h.data),
      ['hi world\n', 'hi $N\n'],
    );
  });

  it('returns instructions that need nothing unchanged (same object)', () => {
    const { steps } = stage0('FROM a\nCMD ["x"]\nMAINTAINER me');
    for (const s of steps) assert.equal(expandInstruction(s, lookup), s);
  });
});

describe('ARG scoping', () => {
  it('global ARGs are visible in FROM but not in a stage until redeclared', () => {
    const text = 'ARG V=3.19\nARG OTHER=o\nFROM alpine:$V\nLABEL before=${V:-unset}\nARG V\nLABEL after=$V other=${OTHER:-unset}\n';
    const { steps, from } = run(text);
    assert.equal(from.image, 'alpine:3.19');
    assert.deepEqual(labelsOf(steps[0] as Instruction), { before: 'unset' });
    assert.deepEqual(labelsOf(steps[2] as Instruction), { after: '3.19', other: 'unset' });
  });

  it('--build-arg overrides global and stage defaults, and reaches a redeclared global', () => {
    const text = 'ARG G=g-default\nFROM a\nARG G\nARG S=s-default\nARG N\nLABEL g=$G s=$S n=${N-unset}\n';
    assert.deepEqual(labelsOf(run(text).steps[3] as Instruction), { g: 'g-default', s: 's-default', n: 'unset' });
    assert.deepEqual(labelsOf(run(text, { G: 'g-cli', S: 's-cli', N: '' }).steps[3] as Instruction), { g: 'g-cli', s: 's-cli', n: '' });
  });

  it('a --build-arg nobody declares is not visible, and is reported as unconsumed', () => {
    const { steps, global } = run('FROM a\nARG USED\nLABEL x=${NOTDECLARED:-none} y=$USED\n', { NOTDECLARED: 'v', USED: 'u' });
    assert.deepEqual(labelsOf(steps[1] as Instruction), { x: 'none', y: 'u' });
    assert.equal(global.consumed('USED'), true);
    assert.equal(global.consumed('NOTDECLARED'), false);
  });

  it('a stage ARG default may use earlier ARGs and ENV', () => {
    const { steps } = run('FROM a\nENV BASE=/opt\nARG A=one\nARG B=${A}-two C=$BASE/c\nLABEL b=$B c=$C\n');
    assert.deepEqual(labelsOf(steps[3] as Instruction), { b: 'one-two', c: '/opt/c' });
  });

  it('ENV wins over an ARG of the same name, whatever the order', () => {
    const { steps, scope } = run('FROM a\nARG V=arg\nENV V=env\nARG V=again\nLABEL v=$V\n', { V: 'cli' });
    assert.deepEqual(labelsOf(steps[3] as Instruction), { v: 'env' });
    assert.deepEqual(scope.runEnv(), ['V=env']);
  });

  it('the base image env is in scope and ENV overrides it in place', () => {
    const { steps, scope } = run('FROM a\nENV PATH=/app/bin:$PATH\nLABEL home=$HOME\n', {}, 0, ['PATH=/usr/bin', 'HOME=/root']);
    assert.deepEqual(labelsOf(steps[1] as Instruction), { home: '/root' });
    assert.deepEqual(scope.envList(), ['PATH=/app/bin:/usr/bin', 'HOME=/root']);
  });

  it('platform ARGs are global automatically and need redeclaring in a stage', () => {
    const text =
      'FROM --platform=$BUILDPLATFORM a AS x\nLABEL pre=${TARGETARCH:-none}\nARG TARGETPLATFORM TARGETARCH TARGETVARIANT BUILDOS\nLABEL t=$TARGETPLATFORM a=$TARGETARCH v=$TARGETVARIANT b=$BUILDOS\n';
    const { steps, from } = run(text);
    assert.equal(from.platform, 'linux/amd64');
    assert.deepEqual(labelsOf(steps[0] as Instruction), { pre: 'none' });
    assert.deepEqual(labelsOf(steps[2] as Instruction), { t: 'linux/arm64/v8', a: 'arm64', v: 'v8', b: 'linux' });
  });

  it('proxy args reach RUN whether declared or not, but expand only when declared', () => {
    const args = { HTTP_PROXY: 'http://p:3128', no_proxy: 'localhost', OTHER: 'x' };
    const { steps, scope } = run('FROM a\nLABEL a=${HTTP_PROXY:-undeclared}\nARG HTTP_PROXY\nLABEL b=$HTTP_PROXY\n', args);
    assert.deepEqual(labelsOf(steps[0] as Instruction), { a: 'undeclared' });
    assert.deepEqual(labelsOf(steps[2] as Instruction), { b: 'http://p:3128' });
    assert.deepEqual(scope.runEnv(), ['HTTP_PROXY=http://p:3128', 'no_proxy=localhost']);
  });

  it('each stage starts from a fresh scope', () => {
    const text = 'FROM a\nARG X=1\nENV Y=2\nFROM b\nLABEL x=${X:-none} y=${Y:-none}\n';
    assert.deepEqual(labelsOf(run(text, {}, 1).steps[0] as Instruction), { x: 'none', y: 'none' });
  });

  it('finds stages by name (case-insensitive) or index, only before the current one', () => {
    const df = parseDockerfile('FROM a AS Build\nFROM b\nFROM c AS final\n');
    assert.equal(findStage(df, 'build')?.index, 0);
    assert.equal(findStage(df, 'BUILD')?.index, 0);
    assert.equal(findStage(df, '1')?.index, 1);
    assert.equal(findStage(df, 'final', 2), undefined);
    assert.equal(findStage(df, 'alpine:3.19'), undefined);
  });
});
