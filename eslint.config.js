// Lint, with the import layers of ARCHITECTURE.md as rules (after VS Code's
// code-layering): app imports nothing of ours nor node/electron/react;
// renderer never imports main; main/core never imports electron; only the
// adapter files touch ipcMain/ipcRenderer.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'events', 'stream', 'util'];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'native-helper/', 'coverage/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: restrict([
      { group: nodeBuiltins, message: 'app/ is shared with the renderer: no node APIs.' },
      { group: ['electron', 'react', 'react-dom', 'zustand'], message: 'app/ imports no electron, no react.' },
      { group: ['**/main/**', '**/renderer/**', '**/e2e/**'], message: 'app/ is the bottom layer.' },
    ]),
  },
  {
    files: ['main/core/**/*.ts', 'main/helper/**/*.ts', 'main/web/**/*.ts'],
    rules: restrict([
      { group: ['electron'], message: 'Only main/electron imports electron.' },
      { group: ['**/renderer/**'], message: 'main does not import the renderer.' },
    ]),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([
      { group: nodeBuiltins, message: 'The renderer is a web page: no node APIs.' },
      { group: ['electron'], message: 'The renderer talks only to window.freezeframe.' },
      { group: ['**/main/**'], message: 'The renderer never imports main.' },
    ]),
  },
  {
    files: ['main/electron/**/*.ts'],
    ignores: ['main/electron/ipc-adapter.ts', 'main/electron/preload.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]",
          message: 'ipcMain/ipcRenderer belong in ipc-adapter.ts and preload.ts only.',
        },
      ],
    },
  },
);
