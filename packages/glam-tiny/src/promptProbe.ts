/**
 * Which prompt form should the LM policy read? The corpus teaches both: with the header
 * "Possible actions of the agent: turn left, …, toggle." and without it. This measures the zero-shot
 * LM (through transformers.js) both ways, in the leaf's default room:
 *   - success rate of the sampled policy on `--episodes` fresh training-target episodes;
 *   - on the states a scripted expert visits (up to 8 steps of 60 episodes): mean log π(expert action)
 *     and how often the LM's argmax is the expert's action.
 *
 *   npm run probe -w @rlllm/glam-tiny -- [--episodes 200]
 */
import { loadLanguageModel } from '@rlllm/core';
import { BABYAI_ACTIONS, BabyAIText, babyaiExpert, babyaiPrompt } from '@rlllm/env';
import { ACTION_CONTINUATIONS } from './policy.ts';
import { evaluateSuccess, logSoftmax, transformersPolicy } from './evaluate.ts';
import { GlamConfig as schema } from './glam.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--episodes');
const episodes = at >= 0 ? Number(argv[at + 1]) : 200;
if (!Number.isInteger(episodes) || episodes < 1) {
  console.error('--episodes: expected a positive integer, e.g. --episodes 200');
  process.exit(2);
}
const lm = await loadLanguageModel('default');
// The leaf's default room (roomSize, maxObjects, maxSteps).
const defaults = schema.parse({});
const envOpts = { size: defaults.roomSize, maxObjects: defaults.maxObjects, maxSteps: defaults.maxSteps };
const forms = {
  headerless: (env: BabyAIText) => { const { mission, sentences } = env.textParts(); return babyaiPrompt(mission, sentences, null); },
  header: (env: BabyAIText) => { const { mission, sentences } = env.textParts(); return babyaiPrompt(mission, sentences, BABYAI_ACTIONS); },
};
const results: Record<string, unknown> = {};
for (const [name, prompt] of Object.entries(forms)) {
  const t0 = performance.now();
  const ev = await evaluateSuccess(transformersPolicy(lm, prompt), { split: 'train', episodes, seed: 424_242, env: envOpts });
  // Expert-visited states.
  const env = new BabyAIText(envOpts);
  let n = 0, agree = 0, logpExpert = 0;
  const argmaxCounts = new Array<number>(6).fill(0);
  for (let ep = 0; ep < 60; ep++) {
    env.reset({ seed: 500 + ep });
    for (let t = 0; t < 8; t++) {
      const lp = logSoftmax(await lm.logProb(prompt(env), ACTION_CONTINUATIONS));
      const best = lp.indexOf(Math.max(...lp));
      const expert = babyaiExpert(env);
      n++;
      agree += best === expert ? 1 : 0;
      logpExpert += lp[expert]!;
      argmaxCounts[best]!++;
      const r = env.step(expert);
      if (r.terminated || r.truncated) break;
    }
  }
  results[name] = {
    success: ev.success,
    episodes,
    meanLength: ev.meanLength,
    expertStates: n,
    meanLogPiExpert: logpExpert / n,
    argmaxIsExpert: agree / n,
    argmaxShare: Object.fromEntries(BABYAI_ACTIONS.map((a, i) => [a, argmaxCounts[i]! / n])),
    seconds: (performance.now() - t0) / 1000,
  };
  console.error(name, JSON.stringify(results[name]));
}
console.log(JSON.stringify(results, null, 2));
