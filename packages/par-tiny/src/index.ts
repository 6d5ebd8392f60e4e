// @rlllm/par-tiny — Planner-Actor-Reporter (Dasgupta et al. 2023) and Inner Monologue (Huang et al. 2022). Main export: `leaf`.
export { leaf, schema, type Config } from './leaf.ts';
export * from './actor.ts';
export * from './planner.ts';
export * from './reporter.ts';
export * from './par.ts';
export * from './pureRl.ts';
