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
  testTimeout: 30_000,
  // Two cores, shared with PostgreSQL: the tests mostly wait on the database.
  maxWorkers: 2,
};
