/**
 * Tests run against a real PostgreSQL: one server per run (embedded unless
 * DATABASE_URL is set), a template database migrated once in globalSetup, and
 * a clone of it per test file (test/helpers/database.ts).
 *
 * @type {import('jest').Config}
 */
const swc = (syntax) => [
  "@swc/jest",
  {
    jsc: { parser: { syntax }, target: "es2022" },
    module: { type: "commonjs" },
  },
];

module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  transform: {
    "^.+\\.ts$": swc("typescript"),
    // ESM-only dependencies (see transformIgnorePatterns), compiled to CommonJS.
    "^.+\\.m?js$": swc("ecmascript"),
  },
  transformIgnorePatterns: ["/node_modules/(?!(jose|@faker-js/faker|postgrator)/)"],
  globalSetup: "<rootDir>/test/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/test/helpers/global-teardown.ts",
  // Generous: on a loaded two-core machine the suite runs 5-10 times slower
  // (measured: 40 s idle, 3-9 min beside CPU hogs), and a test must fail for
  // what it asserts, not for the machine being busy. The API test servers'
  // pool timeouts stay below it (test/graphql/harness.ts TEST_SERVER_TIMINGS),
  // so a starved request fails with the server's own error and log.
  testTimeout: 120_000,
  // Two cores, shared with PostgreSQL: the tests mostly wait on the database.
  maxWorkers: 2,
};
