export * from './constitution.ts';
export * from './rlaif.ts';
export { leaf, schema, type Config } from './leaf.ts';
