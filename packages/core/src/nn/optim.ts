/**
 * One optimizer step of a tfjs model: the gradients of a loss, clipped to a global norm, applied by
 * an optimizer. The LM fine-tuning steps (SFT, reward model), LM-PPO and leaves that train an LM by
 * RL (GLAM) all take their steps through it.
 */
import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm } from './mlp.ts';

/**
 * One step on `vars`: gradients of `loss`, clipped to a global norm, applied by `opt`.
 * Returns the loss value.
 */
export function optimizerStep(opt: tf.Optimizer, vars: tf.Variable[], loss: () => tf.Scalar, maxGradNorm: number): number {
  const { value, grads } = tf.variableGrads(loss, vars);
  const { grads: clipped, norm } = clipByGlobalNorm(grads, maxGradNorm);
  opt.applyGradients(clipped);
  const out = value.dataSync()[0]!;
  tf.dispose([value, norm, ...Object.values(grads), ...clipped.map((g) => g.tensor)]);
  return out;
}

