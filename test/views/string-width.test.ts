// The TUI bundle measures text with a patched string-width (scripts/bundle-patches.mjs: no
// Intl.Segmenter or emoji regex made at load, a per-character way for text whose characters
// stand alone). Both copies the UI loads (Ink's and wrap-ansi's) are patched here as the build
// patches them, loaded from their own folder (so that their imports resolve as in the build),
// and held to the packages' own answers: every character of the ranges the short way takes,
// and strings that must go the long way (emoji, clusters, CJK, ANSI codes).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/env.js';

type Width = (s: string, o?: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean }) => number;
const { standaloneWidths } = (await import(pathToFileURL(join(repoRoot, 'scripts/bundle-patches.mjs')).href)) as {
  standaloneWidths: (text: string, file: string) => string;
};

const copies = ['node_modules/string-width', 'node_modules/wrap-ansi/node_modules/string-width'];
const made: string[] = [];
after(() => {
  for (const f of made) rmSync(f, { force: true });
});

async function load(dir: string): Promise<{ own: Width; patched: Width }> {
  const file = join(repoRoot, dir, 'index.js');
  const copy = join(repoRoot, dir, `.dockui-test-${process.pid}.js`);
  writeFileSync(copy, standaloneWidths(readFileSync(file, 'utf8'), file));
  made.push(copy);
  const own = ((await import(pathToFileURL(file).href)) as { default: Width }).default;
  const patched = ((await import(pathToFileURL(copy).href)) as { default: Width }).default;
  return { own, patched };
}

const ranges: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x2ff],
  [0x2010, 0x205e],
  [0x2190, 0x21ff],
  [0x2500, 0x25ff],
];
const hard = [
  'héllo wörld',
  'e\u0301',
  '👍',
  '👨‍👩‍👧',
  '🇫🇷',
  '✔️',
  '1️⃣',
  '漢字テスト',
  '한국어',
  '\u1100\u1161',
  '\x1b[31mred\x1b[39m ─ box',
  'tab\there',
  'ｶﾞ',
  '\u200b zero',
  '◽◾ ▶ ◀',
  '─│┌┐└┘├┤ ● ✓ … → ←',
];

for (const dir of copies) {
  describe(`string-width as the TUI bundle has it (${dir})`, () => {
    it('gives every character of the short way the width the package gives it', async () => {
      const { own, patched } = await load(dir);
      for (const [lo, hi] of ranges)
        for (let c = lo; c <= hi; c++) {
          const ch = String.fromCodePoint(c);
          for (const o of [{}, { ambiguousIsNarrow: false }])
            assert.equal(patched(ch, o), own(ch, o), `U+${c.toString(16)} ${JSON.stringify(o)}`);
        }
    });

    it('gives strings that need clusters, wide characters or ANSI codes the package’s widths', async () => {
      const { own, patched } = await load(dir);
      for (const s of hard) {
        assert.equal(patched(s), own(s), JSON.stringify(s));
        assert.equal(patched(s, { countAnsiEscapeCodes: true }), own(s, { countAnsiEscapeCodes: true }), JSON.stringify(s));
      }
      assert.equal(patched(''), 0);
      assert.equal(patched('─'.repeat(120)), 120);
    });
  });
}
