import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Everything under src/engine/ but the facade (index.ts) and the shared vocabulary (define.ts, types.ts). */
const engineBoundary = {
  group: ['**/engine/**', '!**/engine/index.js', '!**/engine/define.js', '!**/engine/types.js'],
  message: 'go through the engine facade: import from src/engine/index.ts (or define.ts / types.ts)',
};

/** The same for import(): no-restricted-imports sees only static imports and re-exports. */
const engineBoundaryDynamic = {
  selector: 'ImportExpression[source.value=/engine\\x2F(?!(index|define|types)\\.js$)/]',
  message: 'go through the engine facade: import from src/engine/index.ts (or define.ts / types.ts)',
};

export default tseslint.config(
  { ignores: ['bin/**', 'dist/**', 'node_modules/**', 'native/build/**', 'bench/**', 'scripts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // A first localeCompare loads ICU's collator: 13 ms of a command that takes ~25 ms beyond Node's start.
    files: ['src/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'localeCompare', message: 'use compareText (engine/define.ts): localeCompare loads ICU' },
      ],
    },
  },
  {
    // The engine knows nothing of the terminal or of React. Its file calls go through
    // util/fsa.ts, which loads node:fs/promises only for a FileHandle (`ps` needs none).
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['react', 'ink', 'ink-*', '**/views/**', '**/hooks/**'],
          paths: [{ name: 'node:fs/promises', allowTypeImports: true, message: 'use util/fsa.ts (see there)' }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportExpression[source.value='node:fs/promises']", message: 'use util/fsa.ts (see there)' },
      ],
    },
  },
  {
    // One door into the engine: the CLI, the hooks, the TUI and the API server use src/engine/index.ts (the
    // facade) and the shared vocabulary (define.ts, types.ts), never a subsystem directly.
    files: ['src/cli/**', 'src/hooks/**', 'src/tui.ts', 'src/server/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [engineBoundary] }],
      'no-restricted-syntax': ['error', engineBoundaryDynamic],
    },
  },
  {
    // Views are pure: engine types only, never the engine's implementation or node I/O.
    files: ['src/views/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'execa', 'chokidar'], message: 'views do no I/O' },
            engineBoundary,
            { group: ['**/engine/index.js'], allowTypeImports: true, message: 'views import engine types only' },
          ],
        },
      ],
      'no-restricted-syntax': ['error', engineBoundaryDynamic],
    },
  },
  {
    // node:test's describe/it return promises the runner tracks itself.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
);
