import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['protocol/**/*.test.ts', 'provider/**/*.test.ts', 'consumer/**/*.test.ts',
      'scenarios/**/*.test.ts', 'fixtures/**/*.test.ts', 'tools/**/*.test.ts', 'test/**/*.test.ts'],
    // Interop tests start real slapd; give them room, but never rely on timing for correctness.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
