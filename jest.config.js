// Native ESM Jest: Nest 12 ships ESM only, so every tier runs under --experimental-vm-modules.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: { ignoreCodes: ['TS151001'] } }];
const moduleNameMapper = {
  '^@app/(kernel|shared|eventstore|identity|credentials|social|moderation|activity)$': '<rootDir>/libs/$1/src/index.ts',
  '^@app/(identity|credentials|social|moderation|activity)/events$': '<rootDir>/libs/$1/src/events.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper,
  testEnvironment: 'node',
};

export default {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
    // Real GitLab clients (gitbeaker, python-gitlab and its CLI) against the built service.
    { ...common, displayName: 'clients', testMatch: ['<rootDir>/test/clients/**/*.test.ts'] },
    // Property-based requests generated from the OpenAPI document: no 5xx, ever.
    { ...common, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] },
  ],
};
