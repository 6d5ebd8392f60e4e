// @rlllm/ellm-tiny — ELLM (Du et al. 2023) in a small text Crafter. Main export: `leaf`.
export * from './ellm.ts';
export { leaf, schema, type Config } from './leaf.ts';
