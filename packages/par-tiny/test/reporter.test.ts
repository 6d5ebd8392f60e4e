import { describe, it, expect } from 'vitest';
import { candidateReports, oracleReporter, reporterReward, SoftmaxReporter, REPORT_KINDS, type Reporter } from '../src/reporter.ts';
import { Planner, type Dialogue, type PlannerRepeats, type Scorer } from '../src/planner.ts';
import { trainActor } from '../src/actor.ts';
import { evaluateRooms, roomsFor, trainReporter } from '../src/par.ts';
import { Rng } from '@rlllm/core';
import { envRandom, parObjectName, sampleParState } from '@rlllm/env';

/** A stand-in planner LLM with the behaviour the paper assumes: pick up what it is told is good,
 *  otherwise examine the next object; it believes whatever the reporter says. */
const stubLm: Scorer = {
  async logProb(prompt: string, conts: string[]) {
    const good = /Reporter: the (\w+ \w+) is good\.$/.exec(prompt.replace(/ Planner:$/, ''));
    return conts.map((c, i) => {
      if (good && c === ` pick up the ${good[1]}.`) return 0;
      if (c.startsWith(' examine')) return -1 - i * 0.01;
      return -5 - i * 0.01;
    });
  },
};

describe('reporter', () => {
  it('its reward is the task outcome and nothing else', () => {
    expect(reporterReward({ success: true })).toBe(1);
    expect(reporterReward({ success: false })).toBe(0);
    // Extra fields (which reports were made, how long it took) cannot change it.
    const a = { success: true, reports: [{ state: 0, kind: 3 }], turns: 7 };
    const b = { success: true, reports: [{ state: 1, kind: 0 }], turns: 1 };
    expect(reporterReward(a)).toBe(reporterReward(b));
  });

  it('offers truthful-relevant, truthful-irrelevant, nothing and misleading reports', () => {
    const s = sampleParState(envRandom(5), 5, 'search');
    const [t, irr, none, mis] = candidateReports(s, 0, 'bad');
    expect(t).toMatch(/is bad\.$/);
    expect(irr).toMatch(/is (red|green|blue|purple|yellow|grey)\.$/);
    expect(none).toBeNull();
    expect(mis).toMatch(/is good\.$/);
    expect(REPORT_KINDS).toHaveLength(4);
  });

  it('REINFORCE moves probability towards the report taken when the outcome beats the baseline, away when not', () => {
    const r = new SoftmaxReporter('t');
    r.update([{ state: 0, kind: 1 }], 1, 0.5, 1);
    expect(r.probs(0)[1]).toBeGreaterThan(0.25);
    r.update([{ state: 1, kind: 2 }], 0, 0.5, 1);
    expect(r.probs(1)[2]).toBeLessThan(0.25);
    // Greedy acting takes the most probable report.
    const g = new SoftmaxReporter('g', true);
    g.logits.set([0, 0, 3, 1], 4);
    expect(g.choose(1, new Rng(1))).toBe(2);
  });

  it('trained from the task outcome alone, with a believing planner in the loop, it learns to stop misleading and to report the good object', async () => {
    const { actor } = trainActor({ episodes: 5000, learningRate: 0.5, gamma: 0.95, epsStart: 1, epsEnd: 0.05, explorationFraction: 0.7, horizon: 14 }, new Rng(2));
    const rooms = roomsFor(new Rng(9), 20).filter((r) => r.task.kind === 'search');
    const { reporter, success } = await trainReporter({ actor, planner: new Planner(stubLm), rooms, episodes: 400, learningRate: 1, rng: new Rng(4), maxTurns: 8 });
    expect(reporter.probs(0)[0]).toBeGreaterThan(0.6); // saw good → "the X is good."
    expect(reporter.probs(1)[3]).toBeLessThan(0.15); // saw bad → never "the X is good."
    expect(success).toHaveLength(400);
    // Acting greedily it reports "good" truthfully and never misleads after "bad" (this planner reacts
    // to "good" alone, so after "bad" any non-misleading report does the same): on the same rooms and
    // draws it wins exactly the episodes the oracle wins.
    expect(reporter.choose(0, new Rng(0))).toBe(0);
    expect(reporter.choose(1, new Rng(0))).not.toBe(3);
    const play = async (r: Reporter) => (await evaluateRooms(rooms, { actor, planner: new Planner(stubLm), reporter: r, rng: new Rng(5), maxTurns: 8 })).map((e) => e.success);
    expect(await play(reporter)).toEqual(await play(oracleReporter));
  });
});

describe("the planner's repeat rule (a config choice)", () => {
  it('changes the choice on a hand case: never / after-failure / always', async () => {
    // A stub LM that always prefers "examine" of object 0 — the copy-the-last-line habit the rule exists for.
    const s = sampleParState(envRandom(11), 5, 'search');
    const name = (o: number) => parObjectName(s.objects[o]!);
    const stub: Scorer = { logProb: async (_p: string, conts: string[]) => conts.map((c) => (c === ` examine the ${name(0)}.` ? 0 : -1 - conts.indexOf(c) * 0.01)) };
    const given = (failed: boolean): Dialogue => ({ lines: [`Planner: examine the ${name(0)}.`], given: new Map([[`examine the ${name(0)}`, { failed }]]) });
    const choice = async (repeats: PlannerRepeats, failed: boolean) => {
      const c = await new Planner(stub, { repeats }).next(s, 'Task: pick up the good object.', given(failed));
      return `${c!.ins.verb} ${c!.ins.object}`;
    };
    expect(await choice('always', false)).toBe('examine 0');
    expect(await choice('never', false)).not.toBe('examine 0');
    expect(await choice('never', true)).not.toBe('examine 0');
    expect(await choice('after-failure', false)).not.toBe('examine 0');
    expect(await choice('after-failure', true)).toBe('examine 0');
  });
});

describe('Inner Monologue (success detection in the prompt)', () => {
  it('with every interaction failing, the closed loop retries after "Success: no." and the open loop does not', async () => {
    // A stub planner LLM that retries the last instruction when the transcript says it failed and
    // otherwise examines the next object not yet examined; no repeat rule (the LLM decides).
    const retrying: Scorer = {
      async logProb(prompt: string, conts: string[]) {
        const lines = prompt.replace(/ Planner:$/, '').split(/(?<=\.) (?=Planner:|Success:|Reporter:)/);
        const last = [...lines].reverse().find((l) => l.startsWith('Planner:'));
        const failed = lines.at(-1) === 'Success: no.';
        return conts.map((c, i) => (failed && last === `Planner:${c}` ? 0 : c.startsWith(' examine') && !prompt.includes(`Planner:${c}`) ? -1 - i * 0.01 : -5 - i * 0.01));
      },
    };
    const { actor } = trainActor({ episodes: 3000, learningRate: 0.5, gamma: 0.95, epsStart: 1, epsEnd: 0.05, explorationFraction: 0.7, horizon: 14 }, new Rng(3));
    const room = roomsFor(new Rng(7), 2)[0]!;
    const run = (successFeedback: boolean) => evaluateRooms([room], { actor, planner: new Planner(retrying, { repeats: 'always' }), reporter: oracleReporter, rng: new Rng(1), maxTurns: 4, failProb: 1, successFeedback });
    const [closed] = await run(true);
    const [open] = await run(false);
    const given = (t: string) => [...t.matchAll(/Planner: ([^.]+)\./g)].map((m) => m[1]!);
    const closedGiven = given(closed!.transcript);
    const openGiven = given(open!.transcript);
    expect(closed!.transcript).toContain('Success: no.');
    expect(new Set(closedGiven).size).toBe(1); // the same instruction, retried every turn
    expect(closedGiven.length).toBeGreaterThan(1);
    expect(new Set(openGiven).size).toBe(openGiven.length); // never the same instruction twice
    expect(open!.transcript).not.toContain('Success:');
  });
});
