// @rlllm/saycan-tiny — SayCan (Ahn et al. 2022) in a small kitchen. Main export: `leaf`.
export { leaf, schema, affordanceProbes, type Config } from './leaf.ts';
export * from './saycan.ts';
export * from './skills.ts';
export * from './instructions.ts';
