/**
 * The code model `rlllm/tiny-coder` (src/bakeCoder.ts): its data are code documents only (reward
 * reflections followed by revised rewards, reward functions, reflection notes), the bake is
 * deterministic, and the shipped model predicts the revised reward after a reflection far better
 * than the general model it was trained from (what the continued training is for).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLanguageModel, tinyLmDir } from '@rlllm/core/lm/index';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRewardCode, codeDocuments, Prng } from '../corpus/build.ts';
import { reflectionDoc } from '../corpus/codeReflection.ts';
import { bakeCoder } from '../src/bakeCoder.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tiny-coder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tiny-coder', () => {
  it('trains on code documents only: reflections followed by a revised reward, reward functions that parse and return numbers, and reflection notes', () => {
    const docs = codeDocuments(2, 300);
    expect(docs).toHaveLength(300);
    expect(new Set(docs).size).toBe(300);
    expect(codeDocuments(2, 300)).toEqual(docs);
    const tasks: Record<string, Parameters<typeof checkRewardCode>[1]> = { CartPole: 'cartpole', PointMassReach: 'reach', MountainCar: 'mountaincar', Pendulum: 'pendulum', GridKeyDoor: 'keydoor' };
    let withCode = 0;
    let revisions = 0;
    for (const d of docs) {
      const m = /^\/\/ Task: (\w+)\./m.exec(d);
      if (m) {
        withCode++;
        if (d.startsWith('Reward reflection: ')) revisions++;
        // The code from the task line on must parse and return a number on the task's observations.
        expect(() => checkRewardCode(d.slice(m.index), tasks[m[1]!]!)).not.toThrow();
      } else expect(d, d).toMatch(/^(Reward reflection: |A good reward function)/);
    }
    // REFLECTION_DOC_SHARE = 0.5 of the draws are reflection → revision documents; the rest mostly code.
    expect(revisions / docs.length).toBeGreaterThan(0.4);
    expect(revisions / docs.length).toBeLessThan(0.6);
    expect(withCode / docs.length).toBeGreaterThan(0.8);
  });

  it('bakes deterministically (same seed → byte-identical model.onnx) into a loadable folder', async () => {
    const quiet = () => {};
    await bakeCoder({ steps: 2, docs: 40, seed: 3, out: path.join(tmp, 'a'), log: quiet });
    await bakeCoder({ steps: 2, docs: 40, seed: 3, out: path.join(tmp, 'b'), log: quiet });
    const onnx = (d: string) => readFileSync(path.join(tmp, d, 'onnx', 'model.onnx'));
    expect(onnx('a').equals(onnx('b'))).toBe(true);
    const lm = await loadLanguageModel(path.join(tmp, 'a'));
    expect((await lm.generate('// Task: GridKeyDoor.', { maxNewTokens: 8 })).length).toBeGreaterThan(0);
    await lm.dispose();
  });

  it.skipIf(!existsSync(path.join(tinyLmDir('tiny-coder'), 'onnx', 'model.onnx')) && process.env.CI !== 'true')('the shipped coder predicts the revised reward after a reflection far better than tiny-gpt', async () => {
    // Fresh reflection documents (a seed the bake did not use): the reward function after the
    // reflection and the task line, scored as a continuation of everything before it.
    const docs = Array.from({ length: 4 }, (_, i) => reflectionDoc(new Prng(7000 + i)).text);
    const nll = async (spec: string) => {
      const lm = await loadLanguageModel(spec);
      let sum = 0;
      let tokens = 0;
      for (const d of docs) {
        const at = d.indexOf('\nfunction reward(');
        const [lp] = await lm.logProb(d.slice(0, at), [d.slice(at)]);
        sum -= lp!;
        tokens += lm.tokenize(d.slice(at)).length;
      }
      await lm.dispose();
      return sum / tokens;
    };
    const [coder, gpt] = [await nll('rlllm/tiny-coder'), await nll('rlllm/tiny-gpt')];
    // tiny-gpt never saw a reflection followed by code; trained on them, the coder must at least halve the loss.
    expect(coder).toBeLessThan(gpt / 2);
  });
});
