// Issue 14: every verb's --help lists its flags in docker's order and words. For each verb and
// subcommand dockui shares with docker 20.10, the help of the real docker 20.10 CLI
// (/usr/bin/docker, Debian's docker.io; it prints --help without a daemon) is read at test time
// and each flag both have is compared: short letter, value type word, description (docker's
// wrapped continuation lines joined), and the relative order of the shared flags.
//
// Flags dockui has that docker 20.10 lacks (dockui's own, allowed; the test prints them):
//   create/run --net (docker 20.10 hides its alias) and --pod, create --detach, stop --signal,
//   inspect --type (container inspect), volume create --format/--quiet, search --list-tags
//   (podman's); build --output, --platform, --progress, --secret, --ssh are docker's too but
//   docker 20.10 shows them only with BuildKit on (DOCKER_BUILDKIT=1), so its plain help lacks them.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dockuiBin } from '../helpers/env.js';

const dockerBin = '/usr/bin/docker';

const topLevel = [
  '', // dockui --help's global options
  'attach', 'build', 'commit', 'cp', 'create', 'diff', 'events', 'exec', 'export', 'history', 'images',
  'import', 'info', 'inspect', 'kill', 'load', 'login', 'logout', 'logs', 'pause', 'port', 'ps', 'pull',
  'push', 'rename', 'restart', 'rm', 'rmi', 'run', 'save', 'search', 'start', 'stats', 'stop', 'tag', 'top',
  'unpause', 'update', 'version', 'wait',
]; // prettier-ignore

/** Management subcommands dockui has (dockui's own, e.g. `system check`, are left out). */
const subcommands = [
  ...['ls', 'rm', 'prune', 'inspect', 'tag', 'history'].map((s) => `image ${s}`),
  ...['ls', 'prune', 'inspect', 'create', 'start', 'run', 'stop', 'kill', 'restart', 'pause', 'unpause', 'rm',
    'logs', 'wait', 'exec', 'stats', 'top', 'rename', 'port', 'diff', 'attach'].map((s) => `container ${s}`), // prettier-ignore
  ...['ls', 'create', 'rm', 'inspect'].map((s) => `volume ${s}`),
  ...['connect', 'create', 'disconnect', 'inspect', 'ls', 'prune', 'rm'].map((s) => `network ${s}`),
  'builder build',
  'builder prune',
  'system df',
  'system prune',
  'manifest inspect',
];

interface Flag {
  readonly name: string;
  readonly short: string;
  readonly type: string;
  readonly help: string;
}

/** The Options section of a cobra/pflag help, wrapped description lines joined with one space. */
function parseOptions(text: string): Flag[] {
  const lines = text.split('\n');
  const start = lines.indexOf('Options:');
  if (start === -1) return [];
  const flags: { name: string; short: string; type: string; help: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const m = /^ {2}(?:-(\S), | {4})--([\w-]+)(?: ([a-zA-Z][\w-]*))?(?: {2,}(.*))?$/.exec(line);
    if (m) flags.push({ short: m[1] ?? '', name: m[2]!, type: m[3] ?? '', help: (m[4] ?? '').trim() });
    else if (/^\s+\S/.test(line) && flags.length) flags.at(-1)!.help += ` ${line.trim()}`;
    else break;
  }
  return flags;
}

describe('compat: help words (docker 20.10)', () => {
  const root = mkdtempSync('/var/tmp/help14-words-');
  after(() => rmSync(root, { recursive: true, force: true }));

  const help = (bin: string, pre: string[], cmd: string) =>
    new Promise<string>((resolve, reject) => {
      execFile(bin, [...pre, ...(cmd ? cmd.split(' ') : []), '--help'], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${bin} ${cmd} --help: ${err.message} ${stderr}`));
        else resolve(stdout);
      });
    });

  it("every shared flag has docker's short letter, type word, description and order", async (t) => {
    assert.ok(
      existsSync(dockerBin),
      `${dockerBin} (docker 20.10, Debian's docker.io; setup.sh installs it) is missing: the reference help cannot be read`,
    );
    const version = spawnSync(dockerBin, ['--version'], { encoding: 'utf8' }).stdout;
    assert.match(version, /^Docker version 20\.10\./, `${dockerBin} is not docker 20.10: ${version}`);
    const diffs: string[] = [];
    const own: string[] = [];
    let compared = 0;
    // The two helps of each verb are read up front, a few verbs at a time (one by one, the ~150
    // process starts took over half a minute); the comparison below goes in the verbs' order.
    const cmds = [...topLevel, ...subcommands];
    const helps: Promise<[string, string]>[] = [];
    const readHelps = (cmd: string) =>
      Promise.all([
        help(dockerBin, [], cmd),
        help(process.execPath, [dockuiBin, '--root', join(root, 'r'), '--runroot', join(root, 'run')], cmd),
      ]);
    let next = 0;
    const lane = async () => {
      while (next < cmds.length) {
        const i = next++;
        helps[i] = readHelps(cmds[i]!);
        await helps[i].catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: 3 }, lane));
    for (const [i, cmd] of cmds.entries()) {
      const [dockerHelp, dockuiHelp] = await helps[i]!;
      const theirs = parseOptions(dockerHelp);
      const ours = parseOptions(dockuiHelp);
      const byName = new Map(ours.map((f) => [f.name, f]));
      const dockerNames = new Set(theirs.map((f) => f.name));
      for (const d of theirs) {
        const o = byName.get(d.name);
        if (!o) continue;
        compared++;
        for (const k of ['short', 'type', 'help'] as const)
          if (o[k] !== d[k]) diffs.push(`${cmd} --${d.name} ${k}: dockui ${JSON.stringify(o[k])}, docker ${JSON.stringify(d[k])}`);
      }
      for (const o of ours) if (!dockerNames.has(o.name)) own.push(`${cmd} --${o.name}`);
      const order = (fs: Flag[], other: Set<string>) => fs.map((f) => f.name).filter((n) => other.has(n));
      const ourOrder = order(ours, dockerNames);
      const theirOrder = order(theirs, new Set(ours.map((f) => f.name)));
      if (ourOrder.join(' ') !== theirOrder.join(' '))
        diffs.push(`${cmd} order: dockui ${ourOrder.join(' ')}, docker ${theirOrder.join(' ')}`);
    }
    t.diagnostic(`flags compared: ${compared}; dockui's own flags: ${own.join(', ')}`);
    assert.ok(compared > 100, `only ${compared} flags compared`);
    assert.equal(diffs.length, 0, `${diffs.length} flags differ from docker 20.10:\n${diffs.join('\n')}`);
  });
});
