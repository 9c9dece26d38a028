import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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
    // The engine knows nothing of the terminal or of React.
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['react', 'ink', 'ink-*', '**/views/**', '**/hooks/**'] }],
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
            { group: ['**/engine/**', '!**/engine/define.js', '!**/engine/types.js'], allowTypeImports: true, message: 'views import engine types only' },
          ],
        },
      ],
    },
  },
  {
    // node:test's describe/it return promises the runner tracks itself.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }] },
  },
);
