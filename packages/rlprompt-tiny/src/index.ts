// @rlllm/rlprompt-tiny — RLPrompt (Deng et al. 2022) on few-shot sentiment. Main export: `leaf`.
export { leaf, schema, type Config } from './leaf.ts';
export * from './rlprompt.ts';
export * from './policy.ts';
export * from './classifier.ts';
export * from './data.ts';
export * from './vocab.ts';
