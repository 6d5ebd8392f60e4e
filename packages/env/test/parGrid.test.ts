import { describe, it, expect } from 'vitest';
import { ParGrid, checkEnv, PAR_ACTIONS, PAR_OBS_SIZE, parCorrectObject, parTaskText, sampleParState, envRandom, type ParState } from '../src/index.ts';

/** Walk the agent onto object i with plain moves. */
function walkTo(env: ParGrid, i: number): void {
  const o = env.state.objects[i]!;
  while (env.state.x < o.x) env.step(PAR_ACTIONS.right);
  while (env.state.x > o.x) env.step(PAR_ACTIONS.left);
  while (env.state.y < o.y) env.step(PAR_ACTIONS.down);
  while (env.state.y > o.y) env.step(PAR_ACTIONS.up);
}

/** The offset of object i's [known good, known bad] bits in the observation. */
const secretBits = (i: number) => 2 + i * 13 + 11;

describe('ParGrid-v0', () => {
  it('passes the env checker (also with disturbances)', () => {
    expect(checkEnv(new ParGrid(), { steps: 400 })).toEqual([]);
    expect(checkEnv(new ParGrid({ failProb: 0.3, moveProb: 0.3 }), { steps: 400 })).toEqual([]);
  });

  it('reveals a secret only by examining the object, and only while standing on it', () => {
    const env = new ParGrid({ taskKind: 'search' });
    let { obs } = env.reset({ seed: 4 });
    expect(obs.length).toBe(PAR_OBS_SIZE);
    const secretsVisible = (o: Float32Array) => [0, 1, 2, 3].some((i) => o[secretBits(i)]! + o[secretBits(i) + 1]! > 0);
    expect(secretsVisible(obs)).toBe(false);
    // Examining the floor reveals nothing (seed 4 starts the agent on the floor).
    expect(env.objectHere()).toBe(-1);
    const floor = env.step(PAR_ACTIONS.examine);
    expect(floor.info).toEqual({}); // nothing examined, nothing revealed
    expect(secretsVisible(floor.obs)).toBe(false);
    walkTo(env, 2);
    obs = env.observe();
    expect(secretsVisible(obs)).toBe(false); // standing on it is not enough
    const r = env.step(PAR_ACTIONS.examine);
    expect(r.info.examined).toBe(2);
    const good = env.state.objects[2]!.good;
    expect(r.obs[secretBits(2)]).toBe(good ? 1 : 0);
    expect(r.obs[secretBits(2) + 1]).toBe(good ? 0 : 1);
    for (const i of [0, 1, 3]) expect(r.obs[secretBits(i)]! + r.obs[secretBits(i) + 1]!).toBe(0);
  });

  it('search: exactly one good object; picking it up gives 1, another gives 0; both end the episode', () => {
    for (let seed = 0; seed < 20; seed++) {
      const s = sampleParState(envRandom(seed), 5, 'search');
      expect(s.objects.filter((o) => o.good)).toHaveLength(1);
      const names = new Set(s.objects.map((o) => `${o.color}/${o.shape}`));
      expect(names.size).toBe(4);
      const env = new ParGrid();
      for (const pick of [0, 1, 2, 3]) {
        env.reset({ state: s });
        walkTo(env, pick);
        const r = env.step(PAR_ACTIONS.pickUp);
        expect(r.terminated).toBe(true);
        expect(r.reward).toBe(s.objects[pick]!.good ? 1 : 0);
      }
    }
  });

  it('conditional: the answer is the "if" object when it is good, else the "else" object', () => {
    const base = sampleParState(envRandom(7), 5, 'conditional') as ParState & { task: { kind: 'conditional'; ifObject: number; elseObject: number } };
    expect(parTaskText(base)).toMatch(/^Task: if the \w+ \w+ is good, pick it up, otherwise pick up the \w+ \w+\. In the room there is a /);
    for (const good of [true, false]) {
      const s = { ...base, objects: base.objects.map((o, i) => ({ ...o, good: i === base.task.ifObject ? good : o.good })) };
      expect(parCorrectObject(s)).toBe(good ? base.task.ifObject : base.task.elseObject);
    }
  });

  it('disturbances: failProb makes pick-up do nothing; moveProb rolls the object away', () => {
    const s = sampleParState(envRandom(3), 5, 'search');
    const fail = new ParGrid({ failProb: 1 });
    fail.reset({ seed: 1, state: s });
    walkTo(fail, 0);
    const r = fail.step(PAR_ACTIONS.pickUp);
    expect(r.terminated).toBe(false);
    expect(r.info.failed).toBe(true);
    const move = new ParGrid({ moveProb: 1 });
    move.reset({ seed: 1, state: s });
    walkTo(move, 0);
    const m = move.step(PAR_ACTIONS.examine);
    expect(m.info.moved).toBe(0);
    expect(move.objectHere()).toBe(-1);
    expect(move.state.objects[0]!.revealed).toBe(false);
  });
});
