export * from './constitution.ts';
export * from './cai.ts';
export { leaf, schema, type Config } from './leaf.ts';
