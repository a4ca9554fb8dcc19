// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "ExportAllDeclaration", message: 'Name every export (see STYLE.md): no export *.' },
      ],
    },
  },
  {
    files: ['src/sim/**', 'src/net/**', 'src/stack/**', 'src/migration/**', 'src/security/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Draw from the seeded RNG in src/sim/rng.ts.' },
        { object: 'Date', property: 'now', message: 'Use simulated time.' },
        { object: 'performance', property: 'now', message: 'Use simulated time.' },
      ],
    },
  },
);
