// @rlllm/eureka-tiny — Eureka (Ma et al. 2023) on GridKeyDoor. Main export: `leaf`.
export { leaf, schema, type Config } from './leaf.ts';
export * from './eureka.ts';
export * from './writer.ts';
export * from './sandbox.ts';
export * from './train.ts';
export * from './check.ts';
