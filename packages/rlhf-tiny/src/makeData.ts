/**
 * Writes the shipped "human" data into data/ (deterministic; `npm run data -w @rlllm/rlhf-tiny`).
 *
 * - Demonstrations: `helpfulDemonstrations()` of @rlllm/env/assistant (every train prompt × every
 *   labeler answer of its topic, with a polite opener), ending with EOS.
 * - Comparisons (InstructGPT §3.4: labelers compare model outputs for the same prompt): 4
 *   candidates per prompt (see `comparisons`); every pair is labelled by the simulated human's rubric (task.ts `labelerPrefers`); ties are
 *   dropped, as a labeler with no preference gives no label.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { decodeResponse, initTf, loadLmTokenizer, Rng, sampleResponses, SftConfig, supervisedFineTune, type LmTokenizer, type TrainableLm } from '@rlllm/core';
import { defaultModelDir, loadGpt } from '@rlllm/tiny-lm';
import { EOS_TEXT, encodeResponseText, shippedDataDir } from './data.ts';
import { helpfulDemonstrations, labelerPrefers, heldoutPrompts, trainPrompts, type PromptItem } from '@rlllm/env/assistant';

const MAX_NEW_TOKENS = 40;

/**
 * Candidates for each prompt: 2 samples of the pretrained LM at temperature 1, and 2 at
 * temperature 1 plus 2 at 0.7 of an SFT model (the demonstrations, SftConfig defaults, seed 0) —
 * InstructGPT's labelers compared outputs of several models, its SFT model among them. The
 * cooler SFT samples are mostly clean answers, so their pairs differ in how helpful they are,
 * not only in whether the text wandered off.
 */
async function comparisons(prompts: PromptItem[], models: TrainableLm[], tok: LmTokenizer, seed: number): Promise<string[]> {
  const rng = new Rng(seed);
  const ids = prompts.map((p) => tok.encode(p.text));
  const samples: { text: string; finished: boolean }[][] = prompts.map(() => []);
  const plan: [TrainableLm, number][] = [[models[0]!, 1], [models[0]!, 1], [models[1]!, 1], [models[1]!, 1], [models[1]!, 0.7], [models[1]!, 0.7]];
  {
    for (const [lm, temperature] of plan) {
      // kvCache off: the shipped data/ was made with the recompute sampler; this keeps it reproducible exactly.
      const rs = await sampleResponses(lm, ids, { maxNewTokens: MAX_NEW_TOKENS, temperature, eosId: tok.eosId, rng, kvCache: false });
      rs.forEach((r, i) => samples[i]!.push(decodeResponse(tok, r)));
    }
  }
  const asText = (s: { text: string; finished: boolean }) => s.text + (s.finished ? EOS_TEXT : '');
  const lines: string[] = [];
  prompts.forEach((p, n) => {
    const ss = samples[n]!;
    for (let i = 0; i < ss.length; i++) {
      for (let j = i + 1; j < ss.length; j++) {
        const pref = labelerPrefers(p.topic, ss[i]!, ss[j]!);
        if (pref === null) continue; // no preference, no label
        const [c, r] = pref === 1 ? [ss[i]!, ss[j]!] : [ss[j]!, ss[i]!];
        lines.push(JSON.stringify({ topic: p.topic, prompt: p.text, chosen: asText(c), rejected: asText(r) }));
      }
    }
  });
  return lines;
}

await initTf();
const out = shippedDataDir();
mkdirSync(out, { recursive: true });
const demos = helpfulDemonstrations().map((d) => JSON.stringify({ ...d, response: d.response + EOS_TEXT }));
writeFileSync(path.join(out, 'demonstrations.jsonl'), demos.join('\n') + '\n');
const dir = defaultModelDir();
const tok = await loadLmTokenizer(dir);
const pretrained = loadGpt(dir);
const sft = loadGpt(dir);
const demoIds = demos.map((line) => JSON.parse(line) as { prompt: string; response: string }).map((d) => ({ prompt: tok.encode(d.prompt), response: encodeResponseText(tok, d.response) }));
// The shipped data was made with the tfjs trainer: it reproduces them.
await supervisedFineTune(sft, demoIds, SftConfig.parse({}), new Rng(0), { trainer: 'tfjs' });
const train = await comparisons(trainPrompts(), [pretrained, sft], tok, 1);
writeFileSync(path.join(out, 'comparisons.jsonl'), train.join('\n') + '\n');
const held = await comparisons(heldoutPrompts(), [pretrained, sft], tok, 2);
writeFileSync(path.join(out, 'comparisons-heldout.jsonl'), held.join('\n') + '\n');
console.log(`wrote ${demos.length} demonstrations, ${train.length} comparisons, ${held.length} held-out comparisons to ${out}`);
