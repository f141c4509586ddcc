// Lint: typescript-eslint's recommended rules over every workspace, tests and scripts; no import
// cycles in the apps and packages (a cycle is how a registry filled by side effects crept in).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.demo/**', 'bench/*.compiled.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['apps/*/src/**/*.ts', 'packages/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // `.js` specifiers resolve to the `.ts` sources; `@mikrosync/*` to the workspace sources.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.tests.json', conditionNames: ['source', 'types', 'import', 'default'] })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
);
