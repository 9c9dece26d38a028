// docker's CLI takes `detachKeys` from its config file (~/.docker/config.json, or
// $DOCKER_CONFIG/config.json: where `dockui login` keeps credentials) when --detach-keys is not
// given, for attach and exec (-it's escape keys; every exec sends them to the daemon, which
// checks them). Checked against docker 20.10 and a reference dockerd: the config's keys detach,
// ctrl-p ctrl-q then reach the command; the flag wins over the file; a bad value fails every
// exec and attach with exit 1 — here in one line that names the file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenario } from '../compat/scenario.js';
import { TmuxSession } from '../e2e/tmux.js';
import { dockuiBin } from '../helpers/env.js';
import { until } from '../helpers/procs.js';

describe("docker's client config: detachKeys", () => {
  const s = scenario('detach-keys', 'dockui-xe-');
  const base = dirname(s.root);
  const cfgDir = join(base, 'docker-config');
  const cfgFile = join(cfgDir, 'config.json');
  const env = { DOCKER_CONFIG: cfgDir };
  const config = (text: string) => {
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(cfgFile, text);
  };
  const docker = `${process.execPath} -- ${dockuiBin} --root ${s.root} --runroot ${s.runRoot}`;
  const top = async () => (await s.sh('$DOCKER top xk-box')).stdout;
  const running = async (name: string) => (await s.sh(`$DOCKER inspect -f '{{.State.Status}}' ${name}`)).stdout.trim();
  /** `exec -it ARGS` in a terminal of its own with the config; a shell stays in the pane after it (tmux/tmux#506). */
  const terminal = (args: string) =>
    TmuxSession.start({
      command: `DOCKER_CONFIG=${cfgDir} ${docker} exec -it ${args}; echo "EXIT=$?"; read keep_the_pane_alive`,
      columns: 100,
      rows: 20,
      prefix: 'xe',
    });

  before(async () => {
    for (const cmd of [
      '$DOCKER pull -q $IMAGE',
      '$DOCKER run -d --name xk-box $IMAGE sleep 1000',
      '$DOCKER run -d -i --name xk-cat $IMAGE cat',
      '$DOCKER create --name xk-idle $IMAGE true',
    ]) {
      const r = await s.sh(cmd);
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
    }
  });
  after(async () => {
    await s.sh('$DOCKER rm -f xk-box xk-cat xk-idle >/dev/null 2>&1; true');
    s.cleanup();
  });

  it("exec -it: the config's keys detach and ctrl-p ctrl-q reach the command; --detach-keys wins over them", async () => {
    config(JSON.stringify({ auths: {}, detachKeys: 'ctrl-a,x' }));
    const t = terminal('xk-box sh');
    try {
      await t.waitFor(/^\/ #$/m);
      t.type('sleep 4747');
      t.sendKeys('Enter');
      await until('sleep 4747 in top', async () => ((await top()).includes('sleep 4747') ? true : undefined));
      t.sendKeys('C-p', 'C-q');
      // Still attached: ctrl-c reaches sleep, and the shell answers.
      t.sendKeys('C-c');
      t.type('echo still-$((1+1))');
      t.sendKeys('Enter');
      await t.waitFor(/^still-2$/m);
      t.type('sleep 4748');
      t.sendKeys('Enter');
      await until('sleep 4748 in top', async () => ((await top()).includes('sleep 4748') ? true : undefined));
      t.sendKeys('C-a', 'x');
      await t.waitFor(/^read escape sequence\nEXIT=1$/m);
    } finally {
      t.close();
    }
    assert.match(await top(), /\ssleep 4748\n/);
    // The flag's keys, not the file's.
    const f = terminal('--detach-keys ctrl-p,ctrl-q xk-box sh');
    try {
      await f.waitFor(/^\/ #$/m);
      f.type('sleep 4749');
      f.sendKeys('Enter');
      await until('sleep 4749 in top', async () => ((await top()).includes('sleep 4749') ? true : undefined));
      f.sendKeys('C-p', 'C-q');
      await f.waitFor(/^read escape sequence\nEXIT=1$/m);
    } finally {
      f.close();
    }
    assert.match(await top(), /\ssleep 4749\n/);
  });

  it("attach: the config's keys detach, ctrl-p ctrl-q go through; ~/.docker/config.json without DOCKER_CONFIG", async () => {
    config(JSON.stringify({ detachKeys: 'ctrl-a,x' }));
    const input = `(sleep 0.5; printf 'hello\\n'; sleep 1; printf 'x\\020\\021y\\n'; sleep 1; printf '\\001x')`;
    const r = await s.sh(`${input} | $DOCKER attach xk-cat`, { env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, 'hello\nx\x10\x11y\n', 'read escape sequence\n']);
    assert.equal(await running('xk-cat'), 'running');
    // HOME's .docker/config.json when DOCKER_CONFIG is unset (or empty, as docker reads it).
    const home = join(base, 'home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ detachKeys: 'ctrl-b' }));
    for (const unset of ['env -u DOCKER_CONFIG', 'env DOCKER_CONFIG=']) {
      const h = await s.sh(`(sleep 0.5; printf 'home\\n'; sleep 1; printf '\\002') | ${unset} HOME=${home} $DOCKER attach xk-cat`);
      assert.deepEqual([h.code, h.stdout, h.stderr], [1, 'home\n', 'read escape sequence\n'], unset);
    }
    // An empty flag is no flag (docker's): the file's keys.
    const e = await s.sh(`${input} | $DOCKER attach --detach-keys '' xk-cat`, { env });
    assert.deepEqual([e.code, e.stdout, e.stderr], [1, 'hello\nx\x10\x11y\n', 'read escape sequence\n']);
  });

  it('a bad key sequence: one line naming the file, exit 1, for every exec and attach; nothing runs; an unparsable file is a warning; the flag passes it by', async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ detachKeys: 'ctrl-1' }), `invalid detachKeys "ctrl-1" in ${cfgFile}: Unknown character: 'ctrl-1'`],
      [JSON.stringify({ detachKeys: 'ctrl-a,' }), `invalid detachKeys "ctrl-a," in ${cfgFile}: Unknown character: ''`],
    ];
    for (const [text, line] of cases) {
      config(text);
      for (const cmd of [
        '$DOCKER exec xk-box touch /ran',
        '$DOCKER exec -d xk-box touch /ran',
        '$DOCKER exec -d -t xk-box touch /ran',
        'echo x | $DOCKER exec -i xk-box touch /ran',
        '$DOCKER exec -t xk-box touch /ran',
        '$DOCKER attach xk-cat </dev/null',
        '$DOCKER attach --no-stdin xk-box',
      ]) {
        const r = await s.sh(cmd, { env });
        assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `dockui: ${line}\n`], `${text}: ${cmd}`);
      }
    }
    assert.equal((await s.sh('$DOCKER exec xk-box ls /ran')).code, 1, 'nothing ran');
    // A file docker's CLI cannot parse (or a detachKeys that is no string) is a warning, and the
    // command runs without it (docker 20.10: "WARNING: Error parsing config file (PATH): ...").
    for (const [text, why] of [
      ['{"detachKeys":', 'Unexpected end of JSON input'],
      [JSON.stringify({ detachKeys: 5 }), 'detachKeys 5 is not a string'],
    ] as const) {
      config(text);
      const r = await s.sh('$DOCKER exec xk-box echo ran', { env });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ran\n', `WARNING: Error parsing config file (${cfgFile}): ${why}\n`], text);
    }
    // docker's checks of the container come first.
    const stopped = await s.sh('$DOCKER attach xk-idle', { env });
    assert.deepEqual([stopped.code, stopped.stderr], [1, 'dockui: You cannot attach to a stopped container, start it first\n']);
    const tty = await s.sh('echo x | $DOCKER exec -it xk-box true', { env });
    assert.deepEqual([tty.code, tty.stderr], [1, 'dockui: the input device is not a TTY\n']);
    // The flag's keys: the file's are not read.
    config(JSON.stringify({ detachKeys: 'ctrl-1' }));
    const ok = await s.sh('$DOCKER exec --detach-keys ctrl-a,x xk-box echo ok', { env });
    assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, 'ok\n', '']);
    // "" (and no key at all) is docker's default.
    for (const text of [JSON.stringify({ detachKeys: '' }), JSON.stringify({ auths: {} })]) {
      config(text);
      const d = await s.sh('$DOCKER exec xk-box echo ok', { env });
      assert.deepEqual([d.code, d.stdout, d.stderr], [0, 'ok\n', ''], text);
    }
  });
});
