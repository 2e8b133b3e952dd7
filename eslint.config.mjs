// ESLint for the whole repository (`npm run lint` runs it, then `prettier --check`).
// Formatting is Prettier's job (.prettierrc); these rules are about correctness only.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build output, installed packages, and what Strapi or the tests write.
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.test-artifacts/**',
      'bench/results/**',
      'coverage/**',
      'playground/.strapi/**',
      'playground/.tmp/**',
      'playground/build/**',
      'playground/public/**',
      'playground/types/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    extends: [tseslint.configs.recommended],
    rules: {
      // A leading underscore marks a parameter or binding kept on purpose (a signature, a rest sibling).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `import type` keeps type-only imports out of the bundles and makes them visible at a glance.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The admin runs in the browser, inside Strapi's React app.
    files: ['admin/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    // Server, tests, benchmark and scripts run on Node. (Globals matter for JavaScript: in TypeScript files
    // typescript-eslint turns `no-undef` off, the compiler checks names.)
    files: ['server/**', 'tests/**', 'bench/**', 'scripts/**', 'playground/**', '*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    // Plain JavaScript here is CommonJS (scripts/, the playground app, strapi-*.js).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // The playground's admin customisation is an ES module, bundled by Strapi's admin build for the browser.
    files: ['playground/src/admin/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  }
);
