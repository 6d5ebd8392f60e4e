export * from '@rlllm/env/assistant';
export * from './data.ts';
export * from './rlhf.ts';
export { leaf, schema, type Config } from './leaf.ts';
