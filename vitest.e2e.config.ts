import { defineConfig } from 'vitest/config'

// Browser tests: playwright-core drives the system Chromium against the built deck (dist/),
// served on a free localhost port by e2e/global-setup.ts. One browser for the run, a fresh
// context per test. Files run one at a time: SwiftShader WebGL is CPU-bound on 2 cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
