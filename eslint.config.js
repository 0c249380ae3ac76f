// Lint, with the import layers of ARCHITECTURE.md as rules (after VS Code's
// code-layering): app imports nothing of ours nor node/electron/react;
// renderer never imports main; main/core never imports electron nor an
// adapter; adapters (main/electron, main/web, main/cli) never import each
// other (what two of them share is in main/adapters-shared); only the adapter
// files touch ipcMain/ipcRenderer. Test suites (e2e, reliability, bench, the
// unit and integration tests beside the code) never import each other's
// files: what several share is in testing/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './scripts/eslint-import-boundaries.mjs';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'events', 'stream', 'util'];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const ADAPTERS = ['main/electron/', 'main/web/', 'main/cli/'];
const SUITES = ['e2e/', 'reliability/', 'bench/'];
/** Test code: tests, and the harnesses beside them (main/core/testing/, renderer/testing/, testing/). */
const TEST_CODE = [/\.test\.tsx?$/, /(^|\/)testing\//];
const others = (mine, all) => all.filter((folder) => folder !== mine);

/** Folder boundaries, checked on resolved paths (scripts/eslint-import-boundaries.mjs). */
const BOUNDARIES = [
  ...ADAPTERS.map((adapter) => ({
    from: [adapter],
    deny: others(adapter, ADAPTERS),
    message: 'adapters never import each other; what two of them share belongs in main/adapters-shared/.',
    // The packaged app is also the CLI (`freezeframe backup --plan`): its Electron main hosts main/cli's runner.
    except: [{ file: 'main/electron/cli-mode.ts', target: 'main/cli/backup.ts' }],
  })),
  { from: ['main/adapters-shared/'], deny: ADAPTERS, message: 'main/adapters-shared is below the adapters.' },
  { from: ['main/core/'], deny: [...ADAPTERS, 'main/adapters-shared/'], message: 'main/core serves every front door and imports none.' },
  { from: ['main/helper/'], deny: [...ADAPTERS, 'main/adapters-shared/', 'main/core/'], message: 'the helper client is below main/core.' },
  ...SUITES.map((suite) => ({
    from: [suite],
    deny: others(suite, SUITES),
    message: 'a suite never imports another suite\'s files; fixtures several suites use belong in testing/.',
  })),
  {
    from: ['main/', 'app/', 'renderer/', 'testing/'],
    deny: SUITES,
    message: 'code and its tests never import a suite\'s files; fixtures several suites use belong in testing/.',
  },
  { from: ['main/', 'app/', 'renderer/'], notFrom: TEST_CODE, deny: TEST_CODE, message: 'product code never imports test code.' },
];

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
    plugins: { layers: boundaries },
    rules: { 'layers/import-boundaries': ['error', BOUNDARIES] },
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
    files: ['main/core/**/*.ts', 'main/helper/**/*.ts', 'main/web/**/*.ts', 'main/cli/**/*.ts', 'main/adapters-shared/**/*.ts'],
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
