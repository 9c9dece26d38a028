// Go text/template as docker --format runs it. Expected texts follow Go's documented
// behaviour; the error texts and number formats were checked against the docker 28.2.2
// CLI (Go 1.24) with `docker context ls --format ...`, which runs templates without a daemon.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRows, inspectFormat, parseTemplate, render, TemplateError } from '../../src/cli/template/index.js';
import { imagesColumns, psColumns } from '../../src/cli/template/columns.js';
import { tabwrite } from '../../src/cli/template/tabwriter.js';

const data = {
  Id: 'abc123',
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 42, ExitCode: 0, Health: null },
  Config: { Image: 'nginx:1', Env: ['A=1', 'B=two'], Labels: { 'com.x': 'y', b: 'z' }, Cmd: null },
  Mounts: [
    { Type: 'volume', Destination: '/data' },
    { Type: 'bind', Destination: '/etc/x' },
  ],
  Size: 1.5,
  Count: 3,
};

function run(t: string, d: unknown = data, missingKey: 'default' | 'error' = 'default'): string {
  return render(parseTemplate(t), d, { missingKey });
}
function fails(t: string, d: unknown = data, missingKey: 'default' | 'error' = 'default'): string {
  try {
    run(t, d, missingKey);
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return e.message;
  }
  assert.fail(`no error for ${t}`);
}

describe('template: fields, variables, control', () => {
  const cases: [string, string][] = [
    ['{{.Id}}', 'abc123'],
    ['{{.State.Status}}', 'running'],
    ['{{ .Config.Image }}', 'nginx:1'],
    ['{{.State.Running}} {{.State.Pid}}', 'true 42'],
    ['{{.Config.Env}}', '[A=1 B=two]'],
    ['{{.Config.Labels}}', 'map[b:z com.x:y]'],
    ['{{.Missing}}', '<no value>'],
    ['{{.Missing.Deeper}}', '<no value>'],
    ['{{.State.Health}}', '<no value>'],
    ['{{range .Mounts}}{{.Destination}} {{end}}', '/data /etc/x '],
    ['{{range $i, $m := .Mounts}}{{$i}}:{{$m.Type}},{{end}}', '0:volume,1:bind,'],
    ['{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', 'b=z;com.x=y;'],
    ['{{range .Config.Cmd}}x{{else}}none{{end}}', 'none'],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{range .Config.Env}}{{if eq . "B=two"}}{{break}}{{end}}{{.}},{{end}}', 'A=1,'],
    ['{{range .Config.Env}}{{if eq . "A=1"}}{{continue}}{{end}}{{.}}{{end}}', 'B=two'],
    ['{{if .State.Running}}up{{else}}down{{end}}', 'up'],
    ['{{if .Config.Cmd}}a{{else if .Mounts}}b{{else}}c{{end}}', 'b'],
    ['{{if not .State.Running}}a{{else if eq .Count 4}}b{{else}}c{{end}}', 'c'],
    ['{{with .Config}}{{.Image}}{{end}}', 'nginx:1'],
    ['{{with .Config.Cmd}}x{{else}}empty{{end}}', 'empty'],
    ['{{$img := .Config.Image}}{{$img}}', 'nginx:1'],
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
    ['{{range .Mounts}}{{$.Id}}{{end}}', 'abc123abc123'],
    ['{{.Config.Image | printf "%s!"}}', 'nginx:1!'],
    ['{{(index .Mounts 1).Destination}}', '/etc/x'],
    ['{{index .Config.Labels "com.x"}}|{{index .Config.Labels "nope"}}', 'y|<no value>'],
    ['{{index .Config.Env 0}}', 'A=1'],
    ['{{len .Config.Env}} {{len .Name}} {{len .Config.Labels}}', '2 4 2'],
    ['a {{- " b " -}} c', 'a b c'],
    ['a  {{- /* comment */ -}}  b', 'ab'],
    ['{{"quoted\\tx"}}|{{`raw\\t`}}|{{\'a\'}}', 'quoted\tx|raw\\t|97'],
  ];
  for (const [t, want] of cases) it(t, () => assert.equal(run(t), want));
});

describe('template: functions', () => {
  const cases: [string, string][] = [
    ['{{eq .Count 3}} {{eq .Count 1 2 3}} {{ne .Name "/web"}}', 'true true false'],
    ['{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', 'true true true false'],
    ['{{and 1 0 2}}|{{or 0 "" "x"}}|{{and 1 2}}|{{or 0 ""}}', '0|x|2|'],
    ['{{or .Missing "default"}}', 'default'],
    ['{{not 0}} {{not "a"}}', 'true false'],
    ['{{printf "%5.2f|%q|%x|%t|%d|%-4s|%04d" 3.14159 "a\\"b" "hi" true 42 "ab" 7}}', ' 3.14|"a\\"b"|6869|true|42|ab  |0007'],
    ['{{printf "%v %s %d" 1.5 3 "a"}}', '1.5 %!s(int=3) %!d(string=a)'],
    ['{{printf "%d %d"}}|{{printf "%d" 1 2}}|{{printf "%s" nil}}', '%!d(MISSING) %!d(MISSING)|1%!(EXTRA int=2)|%!s(<nil>)'],
    ['{{printf "%T %T %T" 1 1.0 "s"}}', 'int float64 string'],
    ['{{printf "%05s|%x|% x|%#v|%.3v" "ab" "héllo" "hi" "s" 3.14159}}', '000ab|68c3a96c6c6f|68 69|"s"|3.14'],
    ["{{0x1F}} {{0o17}} {{1_000}} {{'a'}} {{-5}} {{+5}} {{.5}} {{1e3}} {{017}}", '31 15 1000 97 -5 5 0.5 1000 15'],
    [
      '{{1000000.0}}|{{123456.0}}|{{1234567.0}}|{{1e20}}|{{0.0001}}|{{0.00001}}|{{1.5}}|{{3.0}}',
      '1e+06|123456|1.234567e+06|1e+20|0.0001|1e-05|1.5|3',
    ],
    ['{{print 1 2 "a" "b" 3}}|{{println 1 "a"}}', '1 2ab3|1 a\n'],
    ['{{json .Config.Env}}', '["A=1","B=two"]'],
    ['{{json .State}}', '{"Status":"running","Running":true,"Pid":42,"ExitCode":0,"Health":null}'],
    ['{{json "<&>"}}', '"<&>"'],
    ['{{join .Config.Env ","}}', 'A=1,B=two'],
    ['{{split "a:b:c" ":"}} {{len (split "a:b:c" ":")}}', '[a b c] 3'],
    ['{{lower "AbC"}} {{upper "AbC"}} {{title "hello wide-world"}}', 'abc ABC Hello Wide-World'],
    ['{{truncate "abcdef" 3}}|{{truncate "ab" 3}}|{{pad "x" 1 2}}|{{pad "" 1 2}}', 'abc|ab| x  |'],
    ['{{slice "abcdef" 1 3}} {{slice .Config.Env 1}}', 'bc [B=two]'],
  ];
  for (const [t, want] of cases) it(t, () => assert.equal(run(t), want));
});

describe('template: errors in Go words', () => {
  const parseErrors: [string, string][] = [
    ['{{', 'template: :1: unclosed action'],
    ['{{.A}', "template: :1: bad character U+007D '}'"],
    ['{{end}}', 'template: :1: unexpected {{end}}'],
    ['{{else}}', 'template: :1: unexpected {{else}}'],
    ['{{if .N}}', 'template: :1: unexpected EOF'],
    ['{{nope}}', 'template: :1: function "nope" not defined'],
    ['{{ .A } }}', 'template: :1: unexpected "}" in operand'],
    ['{{}}', 'template: :1: missing value for command'],
    ['{{range}}', 'template: :1: missing value for range'],
    ['{{$x}}', 'template: :1: undefined variable "$x"'],
    ['{{"abc}}', 'template: :1: unterminated quoted string'],
    ["{{'a}}", 'template: :1: unterminated character constant'],
    ['{{.A | 3}}', 'template: :1: non executable command in pipeline stage 2'],
    ['{{(.A}}', 'template: :1: unclosed left paren'],
    ['{{.A)}}', 'template: :1: unexpected right paren'],
    ['{{3x}}', 'template: :1: bad number syntax: "3x"'],
    ['{{/* c', 'template: :1: unclosed comment'],
    ['{{if 1}}{{else}}{{else}}{{end}}', 'template: :1: expected end; found {{else}}'],
    ['{{ 1.2.3 }}', 'template: :1: unexpected ".3" in operand'],
    ['{{"a".B}}', 'template: :1: unexpected . after term "\\"a\\""'],
    ['x\n{{.Name}}\n{{ .A } }}', 'template: :3: unexpected "}" in operand'],
    ['{{break}}', 'template: :1: {{break}} outside {{range}}'],
  ];
  for (const [t, want] of parseErrors)
    it(`parse: ${JSON.stringify(t)}`, () =>
      assert.throws(
        () => parseTemplate(t),
        (e: unknown) => e instanceof TemplateError && e.phase === 'parse' && e.message === want,
      ));

  const execErrors: [string, string][] = [
    ['{{index .Name 99}}', 'template: :1:2: executing "" at <index .Name 99>: error calling index: index out of range: 99'],
    ['{{len 3}}', 'template: :1:2: executing "" at <len 3>: error calling len: len of type int'],
    ['{{upper 3}}', 'template: :1:8: executing "" at <3>: expected string; found 3'],
    ['{{upper .Count}}', 'template: :1:8: executing "" at <.Count>: wrong type for value; expected string; got int'],
    ['{{eq .Name 3}}', 'template: :1:2: executing "" at <eq .Name 3>: error calling eq: incompatible types for comparison'],
    ['{{lt true false}}', 'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison'],
    ['{{range .Name}}{{end}}', 'template: :1:8: executing "" at <.Name>: range can\'t iterate over /web'],
    ['{{.Name.X}}', 'template: :1:7: executing "" at <.Name.X>: can\'t evaluate field X in type interface {}'],
    ['{{$x := 3}}{{$x.Foo}}', 'template: :1:15: executing "" at <$x.Foo>: can\'t evaluate field Foo in type int'],
    ['{{range $i, $e := 3}}{{end}}', 'template: :1:18: executing "" at <3>: can\'t use 3 to iterate over more than one variable'],
    ['{{slice "abc" 1 2 3}}', 'template: :1:2: executing "" at <slice "abc" 1 2 3>: error calling slice: cannot 3-index slice a string'],
    ['{{nil}}', 'template: :1:2: executing "" at <nil>: nil is not a command'],
    ['{{"a" 1}}', 'template: :1:2: executing "" at <"a">: can\'t give argument to non-function "a"'],
    ['{{join "a" ","}}', 'template: :1:7: executing "" at <"a">: can\'t handle "a" for arg of type []string'],
    ['{{pad "x" -1 0}}', 'template: :1:2: executing "" at <pad "x" -1 0>: error calling pad: strings: negative Repeat count'],
    ['{{len nil}}', 'template: :1:2: executing "" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value'],
    ['{{with .Name}}{{.X}}{{end}}', 'template: :1:16: executing "" at <.X>: can\'t evaluate field X in type string'],
    ['{{.State.Health.Status}}', 'template: :1:8: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status'],
  ];
  for (const [t, want] of execErrors) it(`exec: ${t}`, () => assert.equal(fails(t), want));

  it('missingkey=error (docker inspect on JSON) names the key', () => {
    assert.equal(fails('{{.Nope}}', data, 'error'), 'template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"');
    assert.equal(
      fails('x\n  {{.State.Nope}}', data, 'error'),
      'template: :2:10: executing "" at <.State.Nope>: map has no entry for key "Nope"',
    );
  });
});

describe('formatRows: docker tables, json and plain formats', () => {
  const opts = {
    typeName: '*formatter.volumeContext',
    headers: { Name: 'VOLUME NAME', Driver: 'DRIVER', Labels: 'LABELS' },
    defaultTable: '{{.Driver}}\t{{.Name}}',
  };
  const rows = [
    { Name: 'v1', Driver: 'local', Labels: '', Label: (k: unknown) => (k === 'a' ? 'b' : '') },
    { Name: 'a-much-longer-volume-name', Driver: 'local', Labels: 'a=b', Label: (k: unknown) => (k === 'a' ? 'b' : '') },
  ];

  it('table: header in docker words, columns at least 10 wide plus 3 of padding', () => {
    assert.equal(
      formatRows('table {{.Name}}\\t{{.Driver}}', rows, opts),
      'VOLUME NAME                 DRIVER\nv1                          local\na-much-longer-volume-name   local\n',
    );
    assert.equal(formatRows('table', rows, opts), 'DRIVER    VOLUME NAME\nlocal     v1\nlocal     a-much-longer-volume-name\n');
    // Header functions keep the column name as it is.
    assert.equal(formatRows('table {{upper .Name}}', rows.slice(0, 1), opts), 'VOLUME NAME\nV1\n');
  });

  it('json: one object per row, keys sorted, methods left out', () => {
    assert.equal(formatRows('json', rows.slice(0, 1), opts), '{"Driver":"local","Labels":"","Name":"v1"}\n');
  });

  it('plain templates, methods with arguments, and a struct error for an unknown field', () => {
    assert.equal(formatRows('{{.Name}}:{{.Label "a"}}', rows, opts), 'v1:b\na-much-longer-volume-name:b\n');
    assert.throws(
      () => formatRows('{{.Nope}}', rows, opts),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message ===
          'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.volumeContext',
    );
    assert.throws(
      () => formatRows('{{', rows, opts),
      (e: unknown) => e instanceof TemplateError && e.phase === 'parse' && /template: :1: unclosed action$/.test(e.message),
    );
  });

  it('tabwriter: a block ends at a line without the column', () => {
    assert.equal(tabwrite('a\tb\nlonger-than-ten\tc\nno tabs\nx\ty\n'), 'a                 b\nlonger-than-ten   c\nno tabs\nx         y\n');
  });

  it('inspectFormat: one line per object, missing keys are errors', () => {
    assert.equal(inspectFormat('{{.Id}} {{.State.Status}}', [data, { ...data, Id: 'def' }]), 'abc123 running\ndef running\n');
    assert.throws(() => inspectFormat('{{.Nope}}', [data]), /map has no entry for key "Nope"/);
  });

  it('docker ps / images columns: default tables and headers in docker words', () => {
    const ps = { ID: 'abc', Image: 'nginx', Command: '"sh"', RunningFor: '2 minutes ago', Status: 'Up', Ports: '', Names: 'web' };
    assert.equal(
      formatRows('table', [ps], psColumns),
      'CONTAINER ID   IMAGE     COMMAND   CREATED         STATUS    PORTS     NAMES\n' +
        'abc            nginx     "sh"      2 minutes ago   Up                  web\n',
    );
    const img = { Repository: 'busybox', Tag: 'latest', ID: '0123456789ab', CreatedSince: '', Size: '4.26MB' };
    assert.equal(
      formatRows('table', [img], imagesColumns),
      'REPOSITORY   TAG       IMAGE ID       CREATED   SIZE\nbusybox      latest    0123456789ab   N/A       4.26MB\n',
    );
  });
});
