/** Jest with the SWC transformer; type-checking is `npm run typecheck`, a separate step. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider|nock|@mswjs|@open-draft|outvariant|strict-event-emitter|is-node-process|propagate|rettime)/)'],
  setupFiles: ['<rootDir>/__tests__/setup.ts'],
  testTimeout: 30000,
};
