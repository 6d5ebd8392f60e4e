/**
 * Benchmark: tfjs sampling of RL rollouts (core `sampleResponses`, the PPO rollout of rlhf-tiny and
 * rlaif-tiny) on the baked model, with the key/value cache (`Gpt.forwardCached`) and without it
 * (each step recomputes the whole sequence). B household prompts (in the corpus' `Human: … Assistant:` format) × up to 40 new tokens at
 * temperature 1, same Rng seed for both; medians of 3 runs. Also counts identical responses.
 */
import { initTf, loadLmTokenizer, median, Rng, sampleResponses } from '@rlllm/core';
import { defaultModelDir, loadGpt } from '../src/index.ts';

const QUESTIONS = ['How do I clean a spill?', 'Where should I store apples?', 'How can I clean a coffee stain?', 'I cannot sleep, any advice?', 'What is a good first dish to cook?', 'How do I water a plant?', 'My kitchen drawer is a mess, any tips?', 'How do I fold a shirt?'];
const backend = await initTf();
const dir = defaultModelDir();
const tok = await loadLmTokenizer(dir);
const gpt = loadGpt(dir);
const recompute = { config: gpt.config, params: gpt.params, forward: gpt.forward.bind(gpt) }; // no forwardCached
console.log(`tfjs sampling (backend ${backend}), ${dir}: medians of 3 runs, 40 new tokens max, temperature 1\n`);
console.log('| prompts (batch) | KV cache | recompute | speed-up | identical responses |');
console.log('|---|---|---|---|---|');
for (const B of [16, 32]) {
  const prompts = Array.from({ length: B }, (_, i) => tok.encode(`Human: ${QUESTIONS[i % QUESTIONS.length]} Assistant:`));
  const time = async (lm: typeof recompute) => {
    const ts: number[] = [];
    let out: number[][] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      out = await sampleResponses(lm, prompts, { maxNewTokens: 40, temperature: 1, eosId: tok.eosId, rng: new Rng(1) });
      ts.push((performance.now() - t0) / 1000);
    }
    return { s: median(ts), out };
  };
  const a = await time(gpt);
  const b = await time(recompute);
  const same = a.out.filter((r, i) => JSON.stringify(r) === JSON.stringify(b.out[i])).length;
  console.log(`| ${B} | ${a.s.toFixed(2)} s | ${b.s.toFixed(2)} s | ${(b.s / a.s).toFixed(1)}× | ${same}/${B} |`);
}
gpt.dispose();
