import { defineConfig } from 'vitest/config'

// Unit tests: the simulation and the build-time checks, in Node. Browser tests live in e2e/ and
// have their own config (vitest.e2e.config.ts) because they need a built deck and a Chromium.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    setupFiles: ['tests/fast-check-seed.ts'],
  },
})
