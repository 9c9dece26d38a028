// `--help` in docker's layout and words (cobra/pflag): "Usage:  dockui VERB SYNOPSIS", the
// summary, options sorted by long name with their value type, descriptions three spaces after
// the longest flag; the top-level help lists the commands with docker's one-line summaries.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { scenario } from './scenario.js';

describe('compat: help', () => {
  const s = scenario('help');
  after(() => s.cleanup());

  it("dockui --help: management commands, then commands, with docker's summaries and padding", async () => {
    const r = await s.sh('$DOCKER --help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: {2}dockui \[OPTIONS\] COMMAND\n/);
    // docker's order: builder first, then container, image, manifest (docker 20.10's words).
    assert.match(
      r.stdout,
      /\nManagement Commands:\n {2}builder {5}Manage builds\n {2}container {3}Manage containers\n {2}image {7}Manage images\n {2}manifest {4}Manage Docker image manifests and manifest lists\n/,
    );
    for (const line of [
      '  cp          Copy files/folders between a container and the local filesystem',
      '  events      Get real time events from the server',
      "  export      Export a container's filesystem as a tar archive",
      '  info        Display system-wide information',
      '  ps          List containers',
      '  run         Run a command in a new container',
      '  search      Search the Docker Hub for images',
      '  update      Update configuration of one or more containers',
      '  wait        Block until one or more containers stop, then print their exit codes',
    ])
      assert.ok(r.stdout.includes(`\n${line}\n`), line);
    // Commands in alphabetical order, as cobra lists them.
    const cmds = r.stdout
      .split('\nCommands:\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0]!);
    assert.deepEqual(cmds, [...cmds].sort());
    // Every command listed says what it does (compose and kube were listed with none).
    const bare = r.stdout
      .split('\n')
      .filter((l) => /^ {2}[a-z]+ *$/.test(l))
      .map((l) => l.trim());
    assert.deepEqual(bare, []);
    assert.ok(r.stdout.includes('\n  compose     Run multi-container applications from a Compose file\n'), r.stdout);
    assert.match(r.stdout, /\nRun 'dockui COMMAND --help' for more information on a command\.\n$/);
  });

  it("a verb's --help: docker's usage line, summary and options (sorted, typed, aligned)", async () => {
    const cp = await s.sh('$DOCKER cp --help');
    assert.equal(
      cp.stdout,
      [
        'Usage:  dockui cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-',
        '\tdockui cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
        '',
        'Copy files/folders between a container and the local filesystem',
        '',
        'Options:',
        '  -a, --archive       Archive mode (copy all uid/gid information)',
        '  -L, --follow-link   Always follow symbol link in SRC_PATH',
        '',
      ].join('\n'),
    );
    const run = await s.sh('$DOCKER run --help');
    const opts = run.stdout.split('Options:\n')[1]!.trimEnd().split('\n');
    const longNames = opts.map((l) => /--([a-z-]+)/.exec(l)![1]!);
    assert.deepEqual(longNames, [...longNames].sort());
    const col = opts.map((l) => /^\s*\S.*?\S {3,}(?=\S)/.exec(l)![0].length);
    assert.equal(new Set(col).size, 1, 'descriptions start in one column');
    for (const line of [
      '      --health-interval duration       Time between running the check (ms|s|m|h) (default 0s)',
      '      --restart string                 Restart policy to apply when a container exits (default "no")',
      '  -m, --memory bytes                   Memory limit',
      "  -p, --publish list                   Publish a container's port(s) to the host",
      '      --rm                             Automatically remove the container when it exits',
    ])
      assert.ok(opts.includes(line), line);
    const upd = await s.sh('$DOCKER update --help');
    assert.match(
      upd.stdout,
      /^Usage: {2}dockui update \[OPTIONS\] CONTAINER \[CONTAINER\.\.\.\]\n\nUpdate configuration of one or more containers\n\nOptions:\n {2}-c, --cpu-shares int {13}CPU shares \(relative weight\)\n {6}--cpus decimal {15}Number of CPUs\n/,
    );
  });
});
