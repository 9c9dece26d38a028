// The packages the TUI bundle (dist/tui.cjs, scripts/bundle-cli.mjs) carries, and what three of
// them need to be CommonJS and to start quickly. Apart from the build script so that the tests
// can hold the patched code to the packages' own (test/views/string-width.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which packages go in the bundle, and the two that need a hand to be CommonJS: yoga-layout
 * (Ink's layout engine) awaits its WebAssembly at its top level, and Ink's reconciler awaits
 * React's devtools there when DEV=true. A CommonJS bundle has no top-level await, so:
 * - yoga is instantiated synchronously (WebAssembly.Module/Instance, which Node allows on the
 *   main thread; emscripten takes an instance through its instantiateWasm hook and runs its
 *   start-up at once), from the bytes its file carries as base64, which move to our module;
 * - DEV=true gets Ink's own "react-devtools-core is not installed" warning (it is not a
 *   dependency of dockui).
 */
export function packagesInBundle(top) {
  const outside = new Set(['chokidar', 'react-devtools-core', 'ajv', 'kubernetes-models']);
  const yogaDir = join(top, 'node_modules/yoga-layout/dist');
  const wasmFile = join(yogaDir, 'binaries/yoga-wasm-base64-esm.js');
  // Where the base64 of the WebAssembly is in emscripten's file: H="data:…;base64,<here>".
  const wasmIn = () => {
    const text = readFileSync(wasmFile, 'utf8');
    const m = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]{1000,})"/.exec(text);
    if (!m) throw new Error('bundle-cli: yoga-layout carries no base64 WebAssembly (a new version?)');
    const at = m.index + m[0].length - 1 - m[1].length;
    return { text, at, end: at + m[1].length };
  };
  return {
    name: 'packages-in-bundle',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (a.path === 'yoga-layout') return { path: 'yoga-layout', namespace: 'dockui-yoga' };
        const pkg = a.path.startsWith('@') ? a.path.split('/').slice(0, 2).join('/') : a.path.split('/')[0];
        return outside.has(pkg) || a.path.startsWith('node:') ? { path: a.path, external: true } : undefined;
      });
      b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, () => {
        const { text, at, end } = wasmIn();
        return { contents: text.slice(0, at) + text.slice(end), loader: 'js' };
      });
      b.onLoad({ filter: /.*/, namespace: 'dockui-yoga' }, () => ({
        resolveDir: join(yogaDir, 'src'),
        loader: 'js',
        contents: `import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
import { yogaWasm } from 'dockui-yoga-bytes';
const lib = {};
loadYoga(Object.assign(lib, {
  instantiateWasm(imports, receive) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(yogaWasm(), 'base64')), imports);
    receive(instance);
    return instance.exports;
  },
}));
if (!lib.Node) throw new Error('yoga-layout did not start synchronously');
export default wrapAssembly(lib);
export * from './generated/YGEnums.js';
`,
      }));
      b.onResolve({ filter: /^dockui-yoga-bytes$/ }, () => ({ path: 'bytes', namespace: 'dockui-yoga-bytes' }));
      b.onLoad({ filter: /.*/, namespace: 'dockui-yoga-bytes' }, () => {
        const { text, at, end } = wasmIn();
        return { contents: `export function yogaWasm() { return ${JSON.stringify(text.slice(at, end))}; }`, loader: 'js' };
      });
      b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (a) => ({
        contents: standaloneWidths(readFileSync(a.path, 'utf8'), a.path),
        loader: 'js',
      }));
      b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (a) => {
        const text = readFileSync(a.path, 'utf8');
        const awaited = "await import('./devtools.js');";
        if (!text.includes(awaited)) throw new Error("bundle-cli: ink's reconciler no longer awaits its devtools (a new Ink?)");
        // Its package.json, read for the devtools' name and version, is not in the bundle either.
        const pkg = 'await loadPackageJson()';
        if (!text.includes(pkg)) throw new Error("bundle-cli: ink's reconciler no longer awaits its package.json (a new Ink?)");
        return {
          contents: text
            .replace(awaited, "throw Object.assign(new Error('not bundled'), { code: 'ERR_MODULE_NOT_FOUND' });")
            .replace(pkg, '{ name: undefined, version: undefined }'),
          loader: 'js',
        };
      });
    },
  };
}

/**
 * string-width (Ink's 8.x, and wrap-ansi's older 7.x copy) makes an Intl.Segmenter when it loads:
 * ICU's grapheme rules, ~17 ms of the UI's first frame; 8.x also makes its RGI_Emoji regex (a
 * property of strings, /v), ~20 ms more. Both are made on first use instead. And in 8.x, most of
 * what the UI measures is text whose every character stands alone: ASCII, Latin, punctuation,
 * arrows, box drawing and geometric shapes, none of which combine into clusters or is zero-width.
 * Those get each character's East Asian width, what 8.x gives a one-character cluster in these
 * ranges (the two there that are emoji by default, U+25FD/U+25FE, are East Asian Wide too);
 * anything else, and ANSI codes, go the package's own way. 7.x counts text-style emoji such as
 * U+00A9 and U+25B6 as wide (its emoji-regex matches them), so it keeps its own way throughout.
 * test/views/string-width.test.ts holds the patched copies to the packages' own widths.
 */
export function standaloneWidths(text, file) {
  const made = 'const segmenter = new Intl.Segmenter();';
  const entry = 'export default function stringWidth(';
  if (
    !text.includes(made) ||
    !text.includes(entry) ||
    !text.includes("import {eastAsianWidth} from 'get-east-asian-width';") ||
    !text.includes("import stripAnsi from 'strip-ansi';")
  )
    throw new Error(`bundle-cli: ${file} is not the string-width this build knows (a new version?)`);
  const lazy = text.replace(
    made,
    'let segmenterMade; const segmenter = { segment: (s) => (segmenterMade ??= new Intl.Segmenter()).segment(s) };',
  );
  if (!text.includes('rgiEmojiRegex')) return lazy; // 7.x
  const rgi = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
  if (!text.includes(rgi)) throw new Error(`bundle-cli: ${file} makes its emoji regex another way (a new version?)`);
  return (
    lazy
      .replace(
        rgi,
        () => "let rgiMade; const rgiEmojiRegex = { test: (s) => (rgiMade ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(s) };",
      )
      .replace(entry, 'function stringWidthByClusters(') +
    `
const standalone = /^[\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u02FF\\u2010-\\u2027\\u2030-\\u205E\\u2190-\\u21FF\\u2500-\\u25FF]*$/;
export default function stringWidth(input, options = {}) {
  if (typeof input === 'string' && !options.countAnsiEscapeCodes) {
    const text = input.includes('\\u001B') || input.includes('\\u009B') ? stripAnsi(input) : input;
    if (standalone.test(text)) {
      const wide = { ambiguousAsWide: options.ambiguousIsNarrow === false };
      let width = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        width += c < 0x7f ? 1 : eastAsianWidth(c, wide);
      }
      return width;
    }
  }
  return stringWidthByClusters(input, options);
}
`
  );
}
