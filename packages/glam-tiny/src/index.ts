// @rlllm/glam-tiny — GLAM (Carta et al. 2023) in BabyAI-Text. Main export: `leaf`.
export * from './policy.ts';
export * from './glam.ts';
export * from './evaluate.ts';
export * from './symbolic.ts';
export { leaf, schema, type Config } from './leaf.ts';
