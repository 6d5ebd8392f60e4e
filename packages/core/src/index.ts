// @rlllm/core — shared machinery. Leaves import from here; see README.md for the map.
export * from './rng.ts';
export * from './stats.ts';
export * from './events.ts';
export * from './progress.ts';
export * from './config.ts';
export * from './report.ts';
export * from './backend.ts';
export * from './nn/init.ts';
export * from './nn/mlp.ts';
export * from './rl/gae.ts';
export * from './rl/buffers.ts';
export * from './rl/common.ts';
export * from './rl/ppo.ts';
export * from './rl/dqn.ts';
export * from './rl/a2c.ts';
export * from './leaf.ts';
export * from './lm/index.ts';
