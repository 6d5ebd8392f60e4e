import { defineConfig } from 'vitest/config';
// One vitest config for every package. Learning tests train real agents, so the timeouts are
// generous and files run one at a time (2 cores). Each package also writes a JSON summary that
// .ci/run adds up into its final "N passed, N failed" line.
export default defineConfig({
  test: {
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
  },
});
