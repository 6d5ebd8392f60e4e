/**
 * PPO with its update compiled (ppo.ts here): rl/ppo.ts's loop — same config and defaults, same
 * Rng calls in the same order, the shared rollout (rl/rollout.ts) and GAE (rl/gae.ts) — with each
 * minibatch step one onnxruntime run instead of a tfjs update.
 *
 * This is the benchmark's and the learning test's PPO until rl/ppo.ts takes `PpoUpdate` itself;
 * then this file goes.
 */
import { SyncVectorEnv, type Env } from '@rlllm/env';
import { Rng } from '../rng.ts';
import { nullLog } from '../events.ts';
import { argmaxRow } from '../rl/buffers.ts';
import { forward } from '../nn/mlp.ts';
import { RolloutBuffer } from '../rl/buffers.ts';
import { collectRollout, type RolloutState } from '../rl/rollout.ts';
import { computeGae } from '../rl/gae.ts';
import { recentMeanReturn, type EpisodeRecord, type TrainOptions } from '../rl/common.ts';
import { PpoConfig } from '../rl/ppo.ts';
import { PpoUpdate, ppoMinibatch } from './ppo.ts';
import type { SessionOptions } from './session.ts';

export interface PpoCompiledResult {
  update: PpoUpdate;
  /** Greedy action from the final networks. */
  greedy: (obs: Float32Array) => number;
  episodes: EpisodeRecord[];
  envSteps: number;
  seconds: number;
  timing: { rolloutSeconds: number; updateSeconds: number };
}

export async function trainPpoCompiled(
  makeEnv: (index: number) => Env<Float32Array, number>,
  configIn: Partial<PpoConfig>,
  opts: TrainOptions & SessionOptions,
): Promise<PpoCompiledResult> {
  const cfg = PpoConfig.parse(configIn);
  const log = opts.log ?? nullLog;
  const rng = new Rng(opts.seed);
  const envs = new SyncVectorEnv(Array.from({ length: cfg.nEnvs }, (_, i) => makeEnv(i)));
  const obsDim = envs.obsDim;
  const nActions = (envs.envs[0]!.actionSpace as unknown as { n: number }).n;
  const ppo = new PpoUpdate(obsDim, nActions, cfg.hidden, cfg, rng, { intraOpNumThreads: opts.intraOpNumThreads ?? 1, spinning: opts.spinning });
  const batchSize = cfg.nEnvs * cfg.nSteps;
  const minibatchSize = Math.floor(batchSize / cfg.nMinibatches);
  const nUpdates = Math.max(1, Math.floor(cfg.totalSteps / batchSize));
  const buf = new RolloutBuffer(cfg.nSteps, cfg.nEnvs, obsDim);
  const episodes: EpisodeRecord[] = [];
  const roll: RolloutState = { obs: envs.reset(rng.seed()), globalStep: 0 };
  const t0 = performance.now();
  let rolloutMs = 0;
  let updateMs = 0;

  for (let update = 1; update <= nUpdates; update++) {
    const learningRate = cfg.annealLr ? (1 - (update - 1) / nUpdates) * cfg.learningRate : cfg.learningRate;
    const tr = performance.now();
    const { actor, critic } = ppo.snapshots();
    const lastValues = collectRollout(envs, actor, critic, buf, roll, rng, cfg.gamma, episodes, log);
    const { advantages, returns } = computeGae(buf.rewards, buf.values, buf.dones, lastValues, cfg.nEnvs, cfg.gamma, cfg.gaeLambda);
    rolloutMs += performance.now() - tr;

    const tu = performance.now();
    let stats: number[] = [];
    epochs: for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
      const perm = rng.permutation(batchSize);
      for (let start = 0; start + minibatchSize <= batchSize; start += minibatchSize) {
        const mb = ppoMinibatch(buf, perm.subarray(start, start + minibatchSize), advantages, returns, cfg.normAdv);
        stats = await ppo.update(mb, learningRate);
        if (start + 2 * minibatchSize > batchSize && cfg.targetKl > 0 && stats[3]! > cfg.targetKl) break epochs;
      }
    }
    updateMs += performance.now() - tu;

    const recentReturn = recentMeanReturn(episodes);
    const [pgLoss, vLoss, entropy, approxKl, clipFrac] = stats;
    const sps = roll.globalStep / ((performance.now() - t0) / 1000);
    log.log('update', { update, step: roll.globalStep, recentReturn, pgLoss, vLoss, entropy, approxKl, clipFrac, sps: Math.round(sps), lr: learningRate });
    opts.progress?.update(roll.globalStep, `return ${Number.isNaN(recentReturn) ? '-' : recentReturn.toFixed(1)}`);
    if (opts.onUpdate?.({ step: roll.globalStep, recentReturn })) break;
  }

  const final = ppo.snapshots().actor;
  return {
    update: ppo,
    greedy: (o) => argmaxRow(forward(final, o, 1), 0, nActions),
    episodes,
    envSteps: roll.globalStep,
    seconds: (performance.now() - t0) / 1000,
    timing: { rolloutSeconds: rolloutMs / 1000, updateSeconds: updateMs / 1000 },
  };
}
