// `dockui inspect -f`, `volume ls --format` and `volume inspect -f` through the real CLI, on a
// container made from the fixture registry's busybox (created, not started: fast).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registry, runCli, tempRoot, type CliResult } from '../helpers/env.js';

describe('docker --format habits through the CLI', () => {
  const t = tempRoot('dockui-fmt-');
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { root: t.root });
  const image = `${registry('plain')}/fixture/busybox`;
  let id = '';

  before(async () => {
    const pull = await cli(['pull', '-q', image]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await cli(['volume', 'create', 'data1'])).code, 0);
    const c = await cli(['create', '--name', 'web', '-e', 'GREETING=hi there', '-l', 'com.x=y', '-v', 'data1:/data', image, 'true']);
    assert.equal(c.code, 0, c.stderr);
    id = c.stdout.trim();
  });
  after(async () => {
    await cli(['rm', '-f', 'web']);
    t.cleanup();
  });

  it('inspect -f renders Go templates over the container JSON, one line per object', async () => {
    const [a, b, c] = await Promise.all([
      cli(['inspect', '-f', '{{.State.Status}} {{.Config.Image}} {{.Id}} {{.Name}}', 'web']),
      cli(['inspect', '--format', '{{json .Config.Env}}|{{range .Mounts}}{{.Destination}}{{end}}|{{index .Config.Labels "com.x"}}', 'web']),
      cli([
        'inspect',
        '-f',
        '{{if eq .State.Status "created"}}new{{else}}old{{end}} {{len .Config.Env}} {{upper .State.Status}}',
        'web',
        id,
      ]),
    ]);
    assert.equal(a.code, 0, a.stderr);
    // Config.Image: the name as the create was given it (docker's), not its normalized form.
    assert.equal(a.stdout, `created ${image} ${id} /web\n`);
    assert.equal(b.code, 0, b.stderr);
    const [env, mounts, label] = b.stdout.trimEnd().split('|');
    assert.ok((JSON.parse(env!) as string[]).includes('GREETING=hi there'), env);
    assert.equal(mounts, '/data');
    assert.equal(label, 'y');
    assert.equal(c.code, 0, c.stderr);
    const n = (JSON.parse(env!) as string[]).length;
    assert.equal(c.stdout, `new ${n} CREATED\nnew ${n} CREATED\n`);
  });

  it('inspect -f on an image, and --format json as one compact array', async () => {
    const [img, json] = await Promise.all([cli(['inspect', '-f', '{{.Id}}', image]), cli(['inspect', '--format', 'json', 'web'])]);
    assert.equal(img.code, 0, img.stderr);
    assert.match(img.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout.trimEnd().split('\n').length, 1);
    assert.equal((JSON.parse(json.stdout) as { Id: string }[])[0]!.Id, id);
  });

  it('bad templates: parse errors exit 64 before any lookup, missing keys exit 1, one line each', async () => {
    const [parse, missing, ghost] = await Promise.all([
      cli(['inspect', '-f', '{{ .State } }}', 'web']),
      cli(['inspect', '-f', '{{.State.Nope}}', 'web']),
      cli(['inspect', '-f', '{{', 'no-such-container']),
    ]);
    assert.equal(parse.code, 64);
    assert.equal(parse.stdout, '');
    assert.equal(parse.stderr, 'dockui: template parsing error: template: :1: unexpected "}" in operand\n');
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '\n');
    assert.equal(
      missing.stderr,
      'dockui: template parsing error: template: :1:8: executing "" at <.State.Nope>: map has no entry for key "Nope"\n',
    );
    // The template is checked before the name is looked up, as docker does.
    assert.equal(ghost.code, 64);
    assert.match(ghost.stderr, /^dockui: template parsing error: template: :1: unclosed action\n$/);
  });

  it('volume ls --format: table, json, plain and docker default; volume inspect -f', async () => {
    const [table, json, plain, def, insp, bad] = await Promise.all([
      cli(['volume', 'ls', '--format', 'table {{.Name}}\\t{{.Driver}}\\t{{.Scope}}']),
      cli(['volume', 'ls', '--format', 'json']),
      cli(['volume', 'ls', '--format', '{{.Name}}:{{.Mountpoint}}']),
      cli(['volume', 'ls']),
      cli(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}}', 'data1']),
      cli(['volume', 'ls', '--format', '{{.Nope}}']),
    ]);
    const mountpoint = `${t.root}/volumes/data1/_data`;
    assert.equal(table.stdout, 'VOLUME NAME   DRIVER    SCOPE\ndata1         local     local\n');
    assert.deepEqual(JSON.parse(json.stdout), {
      Availability: 'N/A',
      Driver: 'local',
      Group: 'N/A',
      Labels: '',
      Links: 'N/A',
      Mountpoint: mountpoint,
      Name: 'data1',
      Scope: 'local',
      Size: 'N/A',
      Status: 'N/A',
    });
    assert.equal(plain.stdout, `data1:${mountpoint}\n`);
    assert.equal(def.stdout, 'DRIVER    VOLUME NAME\nlocal     data1\n');
    assert.equal(insp.code, 0, insp.stderr);
    assert.equal(insp.stdout, `data1 local local ${mountpoint}\n`);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.equal(
      bad.stderr,
      'dockui: template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.volumeContext\n',
    );
  });

  // Issue 14: docker runs -f over its Go types first (a nil pointer prints <nil>, a nil slice
  // [], a nil map map[], a missing map key <no value>), then over the raw JSON, where any
  // missing key is an error. Expected lines are docker 20.10's, for the same containers.
  it('inspect -f: nil pointers print <nil>, nil slices and maps [] and map[], as docker types them', async () => {
    const made = await cli(['create', '--name', 'hab-stop', '--stop-timeout', '7', image]);
    assert.equal(made.code, 0, made.stderr);
    const f = async (tmpl: string, name = 'web'): Promise<CliResult> => cli(['inspect', '-f', tmpl, name]);
    const [unset, set, nils, json, cond, bad, first, viaRaw, img] = await Promise.all([
      f('{{.Config.StopTimeout}} {{.State.Health}} {{.Config.Healthcheck}} {{.Config.Labels.nope}}'),
      f('{{.Config.StopTimeout}} {{json .Config.StopTimeout}}', 'hab-stop'),
      f(
        '{{.HostConfig.Ulimits}}|{{.Config.Entrypoint}}|{{.HostConfig.MemorySwappiness}}|{{.HostConfig.Init}}|{{.SizeRw}}|{{.Config.ExposedPorts}}',
      ),
      f('{{json .HostConfig.Ulimits}} {{json .Config.ExposedPorts}} {{json .Config.StopTimeout}}'),
      f(
        '{{if .State.Health}}y{{else}}n{{end}} {{.HostConfig.RestartPolicy}} {{.HostConfig.ConsoleSize}} {{$t := .Config.StopTimeout}}{{$t}}',
      ),
      f('{{.State.Health.Status}}'),
      f('{{.Config.StopTimeout}} {{.Config.Nope}}'),
      f('{{.Id}} {{.State.Health}}'),
      cli(['image', 'inspect', '-f', '{{.Config.StopTimeout}} {{.Config.Labels.nope}}', image]),
    ]);
    assert.equal(unset.stdout, '<nil> <nil> <nil> <no value>\n', unset.stderr);
    assert.equal(set.stdout, '7 7\n', set.stderr);
    assert.equal(nils.stdout, '[]|[]|<nil>|<nil>|<nil>|map[]\n', nils.stderr);
    assert.equal(json.stdout, 'null null null\n', json.stderr);
    assert.equal(cond.stdout, 'n {no 0} [0 0] <nil>\n', cond.stderr);
    assert.equal(img.stdout, '<nil> <no value>\n', img.stderr);
    // Where the typed run fails, the raw one decides: StopTimeout is not in the JSON.
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'dockui: template parsing error: template: :1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"\n',
    );
    assert.equal(first.code, 1);
    assert.equal(
      first.stderr,
      'dockui: template parsing error: template: :1:9: executing "" at <.Config.StopTimeout>: map has no entry for key "StopTimeout"\n',
    );
    assert.equal(viaRaw.code, 1);
    assert.equal(
      viaRaw.stderr,
      'dockui: template parsing error: template: :1:16: executing "" at <.State.Health>: map has no entry for key "Health"\n',
    );
    // The JSON keeps docker's shape: an unset StopTimeout is left out (omitempty), a set one is a number.
    const [webJson, stopJson] = await Promise.all([cli(['inspect', 'web']), cli(['inspect', 'hab-stop'])]);
    const cfg = (r: CliResult) => (JSON.parse(r.stdout) as { Config: Record<string, unknown> }[])[0]!.Config;
    assert.equal('StopTimeout' in cfg(webJson), false);
    assert.equal(cfg(stopJson).StopTimeout, 7);
    await cli(['rm', 'hab-stop']);
  });
});
