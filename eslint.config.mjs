import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './lint/layer-boundaries.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'reports/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // One TypeScript program (tsconfig.test.json covers src, adapters, lib, test and scripts) gives the rules types.
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { layers },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A union member without its case is reported even when a default clause hides it.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'layers/layer-boundaries': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['test/**/*.ts', 'scripts/**/*.ts'], rules: { 'no-console': 'off' } },
  {
    // The web console (browser code, its own TypeScript program: DOM, JSX with Preact, bundler resolution).
    files: ['web/**/*.ts', 'web/**/*.tsx', 'web/**/*.mts'],
    languageOptions: { parserOptions: { project: './web/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
);
