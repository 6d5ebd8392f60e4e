/**
 * `npm run bench -w @rlllm/rlhf-tiny` — InstructGPT's three training steps on each trainer
 * (core/src/trainer.ts), on the baked tiny-gpt with the leaf's `--full` settings and shipped data:
 *
 *   SFT     `sftSteps` Adam steps on 16 demonstrations each (core's supervisedFineTune)
 *   RM      `rmSteps` Adam steps on 16 comparisons (32 sequences) each (trainRewardModel)
 *   PPO     `PPO_ITERATIONS` (default 3) iterations of 32 prompts, 40 new tokens, 4 epochs × 2
 *           minibatches, value model = a copy of the RM (LmPpoTrainer): sampling (tfjs, both
 *           trainers) and the trainer's part — log-probs, values, update — timed apart
 *
 * Each phase runs as the leaf runs it — onnxruntime's times include compiling its graphs (one per
 * batch shape, lengths padded to multiples of 32) — once per trainer, tfjs first, on this process's
 * threads (default: the cores; run it under /work/bin/exclusive). Prints seconds per phase, per
 * step, and the ratio tfjs / ORT measured in this run.
 */
import { initTf, LinearHead, LmPpoConfig, LmPpoTrainer, loadLmTokenizer, RewardModel, Rng, supervisedFineTune, trainRewardModel, type TrainerName } from '@rlllm/core';
import { trainPrompts } from '@rlllm/env/assistant';
import { defaultModelDir, loadGpt } from '@rlllm/tiny-lm';
import { loadHumanData, shippedDataDir } from '../src/data.ts';
import { RlhfConfig } from '../src/rlhf.ts';

const iterations = Number(process.env.PPO_ITERATIONS ?? 3);
const backend = await initTf();
const dir = defaultModelDir();
const tok = await loadLmTokenizer(dir);
const data = loadHumanData(shippedDataDir(), tok);
const c = RlhfConfig.parse({});
console.log(`RLHF training steps on the baked tiny-gpt (tfjs backend ${backend}); SFT ${c.sftSteps} steps, RM ${c.rmSteps} steps, PPO ${iterations} iterations of ${c.ppoBatchSize}`);

interface Row { phase: string; steps: number; seconds: Record<TrainerName, number> }
const rows: Row[] = [];
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

const result: Record<string, Partial<Record<TrainerName, number>>> = {};
const put = (phase: string, trainer: TrainerName, s: number) => ((result[phase] ??= {})[trainer] = s);
for (const trainer of ['tfjs', 'ort'] as const) {
  const sft = loadGpt(dir);
  put('SFT', trainer, await timed(() => supervisedFineTune(sft, data.demonstrations, { steps: c.sftSteps, batchSize: c.sftBatchSize, learningRate: c.sftLearningRate, maxGradNorm: 1 }, new Rng(1), { trainer })));
  const rm = new RewardModel(sft.clone());
  put('RM', trainer, await timed(() => trainRewardModel(rm, data.comparisons, { steps: c.rmSteps, batchSize: c.rmBatchSize, learningRate: c.rmLearningRate, maxGradNorm: 1 }, new Rng(2), { trainer })));
  const policy = sft.clone();
  const valueModel = { trunk: rm.backbone.clone(), head: rm.head.clone() as LinearHead };
  const cfg = LmPpoConfig.parse({ maxNewTokens: c.maxNewTokens, temperature: c.temperature, klCoef: c.klCoef, learningRate: c.ppoLearningRate, updateEpochs: c.ppoUpdateEpochs, nMinibatches: c.ppoNMinibatches, vfCoef: c.ppoVfCoef });
  const ppo = new LmPpoTrainer(policy, sft, cfg, new Rng(3), tok.eosId, valueModel, { trainer });
  const prompts = trainPrompts();
  const rng = new Rng(4);
  let [sample, train] = [0, 0];
  for (let it = 0; it < iterations; it++) {
    const batch = Array.from({ length: c.ppoBatchSize }, () => tok.encode(prompts[rng.int(prompts.length)]!.text));
    const { stats } = await ppo.iteration(batch, async (p, r) => rm.score(p, r));
    sample += stats.sampleSeconds;
    train += stats.trainSeconds;
  }
  put('PPO: sampling + RM scoring (tfjs)', trainer, sample);
  put('PPO: log-probs, values, update', trainer, train);
  await ppo.dispose();
  for (const m of [sft, policy, rm.backbone, valueModel.trunk]) m.dispose();
  rm.dispose();
  valueModel.head.dispose();
  console.log(`${trainer}: ${Object.entries(result).map(([k, v]) => `${k} ${v[trainer]!.toFixed(1)} s`).join(', ')}`);
}
const steps: Record<string, number> = { SFT: c.sftSteps, RM: c.rmSteps, 'PPO: sampling + RM scoring (tfjs)': iterations, 'PPO: log-probs, values, update': iterations };
for (const [phase, v] of Object.entries(result)) rows.push({ phase, steps: steps[phase]!, seconds: v as Record<TrainerName, number> });
console.log('\n| phase | steps | tfjs | ORT | tfjs / ORT |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const per = (s: number) => `${s.toFixed(1)} s (${((1000 * s) / r.steps).toFixed(0)} ms each)`;
  console.log(`| ${r.phase} | ${r.steps} | ${per(r.seconds.tfjs)} | ${per(r.seconds.ort)} | ${(r.seconds.tfjs / r.seconds.ort).toFixed(1)}× |`);
}
