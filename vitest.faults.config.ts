/**
 * The fault suite (`npm run test:faults`): test/faults/**, never collected by the main run
 * (vitest.config.ts excludes it). Each file starts what it needs (its own throwaway PostgreSQL
 * cluster, our fake Discord, the bot in-process or as child processes) on 127.0.0.1 and stops it.
 * Files run one at a time: they are heavy, and some measure answer times.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
