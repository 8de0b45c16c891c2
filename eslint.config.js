// Lint: typescript-eslint's recommended type-aware rules over every TypeScript file.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'coverage/**', '.ci/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Use the seeded PRNG (src/sim/random.ts): everything on screen is a pure function of (slide, step, t).' },
      ],
    },
  },
  {
    // The simulation never touches the DOM, three.js, reveal.js or the wall clock (DESIGN.md §1, §2).
    files: ['src/sim/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', { patterns: ['three', 'three/*', 'reveal.js', 'reveal.js/*', 'react', 'react-dom', '../scenes/*', '../deck/*', '../mdx/*', '@/*'] }],
      'no-restricted-globals': ['error', 'window', 'document', 'performance', 'setTimeout', 'setInterval', 'requestAnimationFrame'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'No wall clock in the simulation.' }],
    },
  },
)
