/**
 * The code model `rlllm/tiny-coder` (src/bakeCoder.ts): its data are the corpus' code documents
 * only, the bake is deterministic, and the shipped model writes a reward line of the corpus far
 * more likely than the general model it was trained from (what the continued training is for).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLanguageModel, tinyLmDir } from '@rlllm/core/lm/index';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRewardCode, codeDocuments } from '../corpus/build.ts';
import { bakeCoder } from '../src/bakeCoder.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tiny-coder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tiny-coder', () => {
  it('trains on code documents only: reward functions that parse and return numbers, and reward reflections', () => {
    const docs = codeDocuments(2, 300);
    expect(docs).toHaveLength(300);
    expect(new Set(docs).size).toBe(300);
    expect(codeDocuments(2, 300)).toEqual(docs);
    const tasks: Record<string, Parameters<typeof checkRewardCode>[1]> = { CartPole: 'cartpole', PointMassReach: 'reach', MountainCar: 'mountaincar', Pendulum: 'pendulum', GridKeyDoor: 'keydoor' };
    let code = 0;
    for (const d of docs) {
      const title = /^\/\/ Task: (\w+)\./.exec(d)?.[1];
      if (title) {
        code++;
        expect(() => checkRewardCode(d, tasks[title]!)).not.toThrow();
      } else expect(d, d).toMatch(/^(Reward reflection: |A good reward function)/);
    }
    expect(code / docs.length).toBeGreaterThan(0.7);
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

  it.skipIf(!existsSync(path.join(tinyLmDir('tiny-coder'), 'onnx', 'model.onnx')) && process.env.CI !== 'true')('the shipped coder writes the corpus\' keydoor shaping line far more likely than tiny-gpt', async () => {
    const prompt = '// Task: GridKeyDoor. Pick up the key, open the door and reach the goal.\nfunction reward(obs, action) {\n  // goal bonus: the task is solved\n  const goalBonus = obs.atGoal ? 10.0 : 0;\n  // distance penalty: walk toward the next target\n ';
    const line = ' const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;';
    const [coder] = await (await loadLanguageModel('rlllm/tiny-coder')).logProb(prompt, [line]);
    const [gpt] = await (await loadLanguageModel('rlllm/tiny-gpt')).logProb(prompt, [line]);
    expect(coder!).toBeGreaterThan(gpt! + 3); // e^3 ≈ 20× more likely
  });
});
