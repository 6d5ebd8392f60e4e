/**
 * The compiler: a tensor-expression API with static shapes (graph.ts, ops.ts), reverse-mode
 * differentiation (grad.ts), an ONNX writer (onnx.ts), optimizers as graph pieces (optim.ts) and a
 * training step run by onnxruntime-node (step.ts, session.ts); models written with it: core's MLP
 * (mlp.ts), GPT-2 as tiny-lm defines it (gpt2.ts), PPO's minibatch update (ppo.ts), and the LM
 * fine-tuning objectives over GPT-2 (lm.ts). The trainers in rl/ and lm/ train through them by
 * default (core/src/trainer.ts).
 */
export * from './graph.ts';
export * from './ops.ts';
export * from './grad.ts';
export * from './onnx.ts';
export * from './optim.ts';
export * from './session.ts';
export * from './step.ts';
export * from './mlp.ts';
export * from './gpt2.ts';
export * from './ppo.ts';
export * from './lm.ts';
