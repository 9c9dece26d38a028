// The Compose loader on real files: interpolation, .env and the shell, -f merges, profiles, the
// project name, and broken files, each one line naming file:line (through the real CLI too).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { interpolate, parseDotEnv } from '../../src/engine/compose/interpolate.js';
import { loadProject } from '../../src/engine/compose/load.js';
import { runCli, tempRoot } from '../helpers/env.js';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockui-c15-load-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function loadError(dir: string, opts: Parameters<typeof loadProject>[0] = {}): string {
  try {
    loadProject({ cwd: dir, env: {}, ...opts });
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('the load should have failed');
}

describe('interpolation', () => {
  const env = (m: Record<string, string>) => (n: string) => m[n];
  it('${X}, $X, defaults, alternatives and $$', () => {
    const e = env({ SET: 'v', EMPTY: '' });
    assert.equal(interpolate('${SET}-$SET-${UNSET}', e), 'v-v-');
    assert.equal(interpolate('${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', e), 'd d  d');
    assert.equal(interpolate('${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}', e), 'alt||alt');
    assert.equal(interpolate('$$SET costs $$5', e), '$SET costs $5');
    assert.equal(interpolate('${UNSET:-${SET}x}', e), 'vx');
  });
  it('${X:?err} and ${X?err} fail with the message; a set value passes', () => {
    const e = env({ EMPTY: '', SET: 'v' });
    assert.throws(() => interpolate('${UNSET:?give me UNSET}', e), /required variable UNSET is missing a value: give me UNSET/);
    assert.throws(() => interpolate('${EMPTY:?no}', e), /EMPTY/);
    assert.equal(interpolate('${EMPTY?no}', e), '');
    assert.throws(() => interpolate('${UNSET?gone}', e), /UNSET.*gone/);
    assert.equal(interpolate('${SET:?x}', e), 'v');
  });
  it('.env syntax: quotes, export, comments, references', () => {
    const r = parseDotEnv('# c\nexport A=1\nB="two words\\n"\nC=\'lit $A\'\nD=${A}x # trailing\nE\n', () => 'fromshell');
    assert.deepEqual(Object.fromEntries(r.vars), { A: '1', B: 'two words\n', C: 'lit $A', D: '1x', E: 'fromshell' });
    assert.equal(parseDotEnv('A=1\nnot valid=2\n').badLine, 2);
  });
});

describe('loading a project', () => {
  it('the shell wins over .env; .env feeds interpolation, the project name and profiles', () => {
    const dir = project({
      '.env': 'TAG=fromdotenv\nPORT=8081\nCOMPOSE_PROJECT_NAME=DotEnvName\n',
      'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG}"\n    ports: ["${PORT}:80"]\n',
    });
    const p = loadProject({ cwd: dir, env: { TAG: 'fromshell' } });
    assert.equal(p.model.services.web!.image, 'busybox:fromshell');
    assert.equal(p.model.services.web!.ports![0]!.published, '8081');
    assert.equal(p.model.name, 'dotenvname');
    assert.equal(loadProject({ cwd: dir, env: {}, projectName: 'cli' }).model.name, 'cli');
    const other = project({
      'other.env': 'TAG=other\n',
      'compose.yaml': 'name: fromfile\nservices:\n  web:\n    image: "busybox:${TAG:-none}"\n',
    });
    const q = loadProject({ cwd: other, env: {}, envFiles: [join(other, 'other.env')] });
    assert.equal(q.model.services.web!.image, 'busybox:other');
    assert.equal(q.model.name, 'fromfile');
  });

  it('compose.yaml with its override, and -f files merged in order by the spec rules', () => {
    const dir = project({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: busybox',
        '    command: ["sleep", "1"]',
        '    environment: [A=1, B=2]',
        '    ports: ["8080:80"]',
        '    volumes: ["data:/data", "./x:/x"]',
        '    labels: {one: "1"}',
        'volumes: {data: {}}',
        '',
      ].join('\n'),
      'compose.override.yaml': 'services:\n  web:\n    environment: {B: "20", C: "3"}\n    ports: ["9090:90"]\n',
      'extra.yaml':
        'services:\n  web:\n    command: sleep 2\n    volumes: ["./y:/x:ro"]\n    labels: {two: "2"}\n  db:\n    image: busybox\n',
    });
    const p = loadProject({ cwd: dir, env: {} });
    assert.equal(p.files.length, 2, 'the override is read without -f');
    assert.deepEqual(p.model.services.web!.environment, { A: '1', B: '20', C: '3' });
    assert.deepEqual(
      p.model.services.web!.ports!.map((x) => x.published),
      ['8080', '9090'],
    );
    const q = loadProject({ cwd: dir, env: {}, files: ['compose.yaml', 'extra.yaml'] });
    const web = q.model.services.web!;
    assert.deepEqual(web.command, ['sleep', '2'], 'command is replaced');
    assert.deepEqual(
      web.volumes!.map((v) => `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`),
      ['data:/data', `${join(dir, 'y')}:/x:ro`],
      'volumes merge by target',
    );
    assert.deepEqual(web.labels, { one: '1', two: '2' });
    assert.ok(q.model.services.db);
    assert.equal(web.environment!.C, undefined, 'the override is not read once -f is given');
  });

  it('profiles: left out unless active (--profile or COMPOSE_PROFILES), or named', () => {
    const dir = project({
      'compose.yaml':
        'services:\n  app:\n    image: busybox\n  debug:\n    image: busybox\n    profiles: [dbg]\n  tools:\n    image: busybox\n    profiles: [tools, dbg]\n',
    });
    assert.deepEqual(Object.keys(loadProject({ cwd: dir, env: {} }).model.services), ['app']);
    assert.deepEqual(Object.keys(loadProject({ cwd: dir, env: {}, profiles: ['dbg'] }).model.services).sort(), ['app', 'debug', 'tools']);
    assert.deepEqual(Object.keys(loadProject({ cwd: dir, env: { COMPOSE_PROFILES: 'tools' } }).model.services).sort(), ['app', 'tools']);
    assert.deepEqual(Object.keys(loadProject({ cwd: dir, env: {}, services: ['debug'] }).model.services).sort(), ['app', 'debug']);
    assert.deepEqual(loadProject({ cwd: dir, env: {} }).allProfiles, ['dbg', 'tools']);
  });
});

describe('broken files: one line naming file:line', () => {
  const cases: [string, string, RegExp][] = [
    ['invalid YAML', 'services:\n  web:\n    image: [busybox\n', /compose\.yaml:\d+: invalid YAML/],
    ['unknown key', 'services:\n  web:\n    image: busybox\n    imgae: typo\n', /compose\.yaml:4: services\.web: unknown key "imgae"/],
    ['wrong type', 'services:\n  web:\n    image: busybox\n    ports: 8080\n', /compose\.yaml:4: services\.web\.ports must be array/],
    [
      'undefined dependency',
      'services:\n  web:\n    image: busybox\n    depends_on: [db]\n',
      /compose\.yaml:4: service "web" depends on undefined service "db"/,
    ],
    [
      'missing required variable',
      'services:\n  web:\n    image: busybox\n    environment:\n      KEY: ${API_KEY:?set API_KEY}\n',
      /compose\.yaml:5: required variable API_KEY is missing a value: set API_KEY/,
    ],
    [
      'a key dockui does not support',
      'services:\n  web:\n    image: busybox\n    shm_size: 64m\n',
      /compose\.yaml:4: services\.web\.shm_size: dockui does not support this key yet/,
    ],
    [
      'a key of a secret dockui does not support',
      'services:\n  web:\n    image: busybox\nsecrets:\n  s:\n    file: ./s\n    labels: {a: b}\n',
      /compose\.yaml:7: secrets\.s\.labels: dockui does not support this key yet/,
    ],
    [
      'undefined network',
      'services:\n  web:\n    image: busybox\n    networks: [nope]\n',
      /compose\.yaml:4: service "web" refers to undefined network "nope"/,
    ],
    [
      'a dependency cycle',
      'services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [a]\n',
      /compose\.yaml:\d+: dependency cycle/,
    ],
    [
      'a bind mount above the project',
      'services:\n  web:\n    image: busybox\n    volumes: ["../../etc:/x"]\n',
      /compose\.yaml:4: "\.\.\/\.\.\/etc" points outside the project directory/,
    ],
  ];
  for (const [what, text, re] of cases)
    it(what, () => {
      const dir = project({ 'compose.yaml': text });
      const msg = loadError(dir);
      assert.match(msg, re);
      assert.ok(msg.startsWith(join(dir, 'compose.yaml') + ':'), msg);
      assert.ok(!msg.includes('\n'), 'one line');
    });

  it('a later -f file is named in its own error', () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: busybox\n',
      'b.yaml': 'services:\n  web:\n\n    restartt: always\n',
    });
    assert.match(loadError(dir, { files: ['compose.yaml', 'b.yaml'] }), /b\.yaml:4: services\.web: unknown key "restartt"/);
  });

  it('through the CLI: exit non-zero, one line on stderr, nothing made', async () => {
    const t = tempRoot('dockui-c15-cli-');
    try {
      const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    depends_on: [db]\n' });
      const r = await runCli(['compose', '--project-directory', dir, '-f', join(dir, 'compose.yaml'), 'up', '-d'], { root: t.root });
      assert.notEqual(r.code, 0);
      assert.equal(r.stderr, `dockui: ${join(dir, 'compose.yaml')}:4: service "web" depends on undefined service "db"\n`);
      const ps = await runCli(['ps', '-aq'], { root: t.root });
      assert.equal(ps.stdout, '');
    } finally {
      t.cleanup();
    }
  });
});

describe('compose config', () => {
  it('prints the merged model; --services and --profiles list names', async () => {
    const t = tempRoot('dockui-c15-cfg-');
    try {
      const dir = project({
        'compose.yaml':
          'name: cfg\nservices:\n  web:\n    image: busybox:${TAG:-1}\n    ports: ["8080:80"]\n  dbg:\n    image: busybox\n    profiles: [debug]\n',
        'over.yaml': 'services:\n  web:\n    environment: {MODE: prod}\n',
      });
      const args = ['compose', '-f', join(dir, 'compose.yaml'), '-f', join(dir, 'over.yaml')];
      const r = await runCli([...args, 'config'], { root: t.root, env: { TAG: '2' } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^name: cfg$/m);
      assert.match(r.stdout, /image: busybox:2/);
      assert.match(r.stdout, /MODE: prod/);
      assert.match(r.stdout, /published: "8080"/);
      assert.doesNotMatch(r.stdout, /dbg:/);
      assert.equal((await runCli([...args, 'config', '--services'], { root: t.root })).stdout, 'web\n');
      assert.equal((await runCli([...args, '--profile', 'debug', 'config', '--services'], { root: t.root })).stdout, 'web\ndbg\n');
      assert.equal((await runCli([...args, 'config', '--profiles'], { root: t.root })).stdout, 'debug\n');
    } finally {
      t.cleanup();
    }
  });
});
