import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/sim/**/*.test.ts', 'tests/node/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
