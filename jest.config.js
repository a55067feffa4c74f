/** One jest run for unit, integration and e2e tests; integration and e2e tests need the real servers. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
    // jose and postgrator ship ES modules only; jest's CommonJS loader needs them transpiled. wasmoon's
    // emscripten glue calls import('module'), which jest's VM refuses without --experimental-vm-modules.
    '/node_modules/(jose|postgrator|wasmoon)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|postgrator|wasmoon)/)'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  collectCoverageFrom: ['src/**/*.ts', 'lib/**/*.ts'],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageDirectory: 'coverage',
};
