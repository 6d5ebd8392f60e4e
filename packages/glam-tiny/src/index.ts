export * from './policy.ts';
export * from './glam.ts';
export * from './evaluate.ts';
export * from './symbolic.ts';
export { leaf, schema, VARIANTS, type Config, type Variant } from './leaf.ts';
