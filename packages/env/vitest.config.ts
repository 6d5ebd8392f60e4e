import { defineConfig } from 'vitest/config';
// Learning tests train real agents: give them time, and run files one at a time (2 cores).
export default defineConfig({ test: { testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false } });
