// Lint rules that keep the layering honest: the domain imports no infrastructure,
// apps hold wiring only, and type-only imports say so.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Tags live in each project.json. type: is the layer, scope: the side of the experiment.
// Dependencies point inwards: app -> application -> infrastructure -> util -> domain and
// contract, the API lib (Nest/Fastify edge) is for apps only, and ops/bench tooling sits
// above everything but the apps. No lib may import an app (Nx refuses that on its own).
const FRAMEWORK = ['@nestjs/*', 'fastify', '@fastify/*', '@grpc/*'];
const FRAMEWORK_AND_IO = [
  '@nestjs/*',
  'fastify',
  '@fastify/*',
  'kafkajs',
  'mongodb',
  'ioredis',
  '@grpc/*',
  'prom-client',
  '@opentelemetry/*',
  'protobufjs',
  'undici',
  'pm2',
];
// What each layer may import. Player libs (application) are framework-free: Nest, Fastify
// and gRPC glue lives in the apps.
// The wire contracts (type:contract) stand beside the domain, not on it: they import no
// lib of ours, so a client reads the wire without the domain; @qf/player-wire maps the two.
const MAY_IMPORT = {
  domain: ['domain'],
  contract: ['contract'],
  util: ['domain', 'contract', 'util'],
  infrastructure: ['domain', 'contract', 'util', 'infrastructure'],
  api: ['domain', 'contract', 'util', 'infrastructure'],
  application: ['domain', 'contract', 'util', 'infrastructure', 'application'],
  ops: ['domain', 'contract', 'util', 'infrastructure', 'application', 'api', 'ops'],
  app: ['domain', 'contract', 'util', 'infrastructure', 'application', 'api', 'ops'],
};
const BANNED_PACKAGES = { domain: FRAMEWORK_AND_IO, application: FRAMEWORK };
const layering = ({ e2e = false } = {}) => [
  ...Object.entries(MAY_IMPORT).map(([type, layers]) => ({
    sourceTag: `type:${type}`,
    onlyDependOnLibsWithTags: [
      ...new Set([...layers, ...(e2e && type !== 'domain' ? ['ops'] : [])]),
    ].map((layer) => `type:${layer}`),
    ...(BANNED_PACKAGES[type] ? { bannedExternalImports: BANNED_PACKAGES[type] } : {}),
  })),
  // The two architectures under test share only the shared libs (and ops tooling drives both).
  {
    sourceTag: 'scope:shared',
    onlyDependOnLibsWithTags: ['scope:shared', ...(e2e ? ['scope:ops', 'scope:bench'] : [])],
  },
  {
    sourceTag: 'scope:es',
    onlyDependOnLibsWithTags: ['scope:es', 'scope:shared', 'scope:ops', 'scope:bench'],
  },
  {
    sourceTag: 'scope:crud',
    onlyDependOnLibsWithTags: ['scope:crud', 'scope:shared', 'scope:ops', 'scope:bench'],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.local/**', 'dist/**', 'reports/**', 'coverage/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    // Nest reads constructor parameter types at run time (decorator metadata): imports used
    // there must stay value imports, which consistent-type-imports knows with these flags.
    languageOptions: {
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: layering() }],
    },
  },
  {
    // The pure domain: no framework, driver or Node I/O module may be imported.
    files: ['libs/player/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'kafkajs',
                'mongodb',
                'ioredis',
                '@grpc/*',
                'fastify',
                'node:*',
                'fs',
                'crypto',
                'http',
              ],
              message: 'The domain is pure: no framework or I/O imports.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time enters the domain through command metadata.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time enters the domain through command metadata.',
        },
        {
          selector: "CallExpression[callee.name='randomUUID']",
          message: 'Ids enter the domain through command metadata.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // End-to-end tests start the fleet (ops tooling) to drive the services they test.
    files: ['**/*.e2e.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { allow: [], depConstraints: layering({ e2e: true }) },
      ],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Size guard rails (conventions.md, "Shape"): a function past ~120 lines is several steps
    // that want names, a file past ~400 lines holds more than one idea. Blank lines and
    // comments do not count. Tests are exempt: a spec reads as a list of cases, not as steps.
    // (The repository holds no generated code; exempt it here when some arrives.)
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': [
        'error',
        { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
);
