// The engine's one door (eslint.config.js): the CLI, the hooks and src/tui.ts import from
// src/engine/ only index.ts (the facade), define.ts and types.ts; the views only types. Runs
// the project's own ESLint config on probe sources at paths inside those folders (only the
// no-restricted-imports and no-restricted-syntax (import()) rules, without type information, so a probe needs no file on disk).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../helpers/env.js';

const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: [{ languageOptions: { parserOptions: { projectService: false } } }],
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax',
});

async function errors(filePath: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  assert.ok(r);
  return r.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('engine boundary lint rule', () => {
  it('refuses a CLI verb importing a subsystem (value or type)', async () => {
    const value = await errors(
      'src/cli/verbs/probe.ts',
      "import { openStore } from '../../engine/store/index.js';\nexport const x = openStore;\n",
    );
    assert.equal(value.length, 1, value.join('\n'));
    assert.match(value[0]!, /^no-restricted-imports: '\.\.\/\.\.\/engine\/store\/index\.js' import is restricted.*engine facade/);
    const type = await errors(
      'src/cli/verbs/probe.ts',
      "import type { ContainerRecord } from '../../engine/runtime/records.js';\nexport type X = ContainerRecord;\n",
    );
    assert.equal(type.length, 1, type.join('\n'));
    const dynamic = await errors('src/cli/verbs/probe.ts', "export const m = () => import('../../engine/registry/client.js');\n");
    assert.equal(dynamic.length, 1, dynamic.join('\n'));
    assert.match(dynamic[0]!, /^no-restricted-syntax: .*engine facade/);
    assert.deepEqual(await errors('src/cli/verbs/probe.ts', "export const m = () => import('../../engine/index.js');\n"), []);
  });

  it('refuses the hooks and src/tui.ts too', async () => {
    assert.equal(
      (await errors('src/hooks/probe.ts', "import { Containers } from '../engine/runtime/containers.js';\nexport const c = Containers;\n"))
        .length,
      1,
    );
    assert.equal(
      (await errors('src/tui.ts', "import { startDevLoop } from './engine/watch/index.js';\nexport const s = startDevLoop;\n")).length,
      1,
    );
    assert.equal(
      (await errors('src/cli/main.ts', "import { resolvePaths } from '../engine/paths.js';\nexport const r = resolvePaths;\n")).length,
      1,
    );
  });

  it('refuses the API server (src/server) reaching past the facade, and lets it use the facade', async () => {
    assert.equal(
      (await errors('src/server/probe.ts', "import { Containers } from '../engine/runtime/containers.js';\nexport const c = Containers;\n"))
        .length,
      1,
    );
    assert.equal((await errors('src/server/probe.ts', "export const m = () => import('../engine/store/index.js');\n")).length, 1);
    assert.deepEqual(
      await errors('src/server/probe.ts', "import { openEngine } from '../engine/index.js';\nexport const o = openEngine;\n"),
      [],
    );
  });

  it('lets them use the facade, define.ts and types.ts', async () => {
    const code = [
      "import { openEngine } from '../../engine/index.js';",
      "import { EngineError } from '../../engine/define.js';",
      "import type { RunOptions } from '../../engine/types.js';",
      'export const x: [typeof openEngine, typeof EngineError, RunOptions | undefined] = [openEngine, EngineError, undefined];',
      '',
    ].join('\n');
    assert.deepEqual(await errors('src/cli/verbs/probe.ts', code), []);
  });

  it('lets the views import the facade for types only', async () => {
    assert.deepEqual(
      await errors('src/views/probe.ts', "import type { DevState } from '../engine/index.js';\nexport type X = DevState;\n"),
      [],
    );
    assert.equal(
      (await errors('src/views/probe.ts', "import { openEngine } from '../engine/index.js';\nexport const x = openEngine;\n")).length,
      1,
    );
    assert.equal(
      (await errors('src/views/probe.ts', "import type { DevState } from '../engine/watch/dev-loop.js';\nexport type X = DevState;\n"))
        .length,
      1,
    );
  });

  it('leaves the engine itself alone', async () => {
    assert.deepEqual(
      await errors('src/engine/facade/probe.ts', "import { openStore } from '../store/index.js';\nexport const x = openStore;\n"),
      [],
    );
  });

  it('finds no import past the facade in the tree as it is', async () => {
    // The same two syntax-only rules without type information, as above: building the TypeScript
    // program for every file took half a minute and neither rule reads a type.
    const results = await eslint.lintFiles(['src/cli', 'src/hooks', 'src/views', 'src/tui.ts']);
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}: ${m.message}`));
    assert.deepEqual(found, []);
  });
});
