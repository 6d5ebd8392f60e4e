export * from './ellm.ts';
export * from './agent.ts';
export { leaf, schema, type Config } from './leaf.ts';
