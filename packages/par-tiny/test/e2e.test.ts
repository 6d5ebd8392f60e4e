import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Report, Rng, runLeaf } from '@rlllm/core';
import { parTaskText } from '@rlllm/env';
import { leaf, roomsFor } from '../src/index.ts';

describe('end to end', () => {
  it('a small quick run writes a valid report with every variant and the training curves', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'par-e2e-'));
    const report = await runLeaf(leaf, { preset: 'quick', seeds: [1], out: dir, config: { actorEpisodes: 3000, reporterEpisodes: 10, evalRooms: 4, trainRooms: 4, pureRlSteps: 600 }, quiet: true });
    const onDisk = Report.parse(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')));
    expect(onDisk.method).toBe('par-trained-reporter');
    expect(Object.fromEntries(Object.entries(onDisk.variants).map(([k, v]) => [k, [v.role, v.group ?? 'main']]))).toEqual({
      'par-trained-reporter': ['method', 'main'],
      'par-oracle-reporter': ['upper-bound', 'main'],
      'par-noisy-reporter': ['ablation', 'main'],
      'par-open-loop': ['ablation', 'main'],
      'pure-rl': ['baseline', 'main'],
      'im-closed-loop': ['method', 'inner-monologue'],
      'im-open-loop': ['ablation', 'inner-monologue'],
    });
    // Four evaluation rooms: every success rate is a count out of 4.
    for (const v of Object.values(report.variants)) expect([0, 0.25, 0.5, 0.75, 1]).toContain(v.perSeed[0]);
    expect(report.comparisons.filter((c) => c.measure === 'metric').map((c) => `${c.method}-${c.variant}`)).toEqual(['par-trained-reporter-par-noisy-reporter', 'par-trained-reporter-par-open-loop', 'par-trained-reporter-pure-rl', 'im-closed-loop-im-open-loop']);
    expect(report.curves.map((c) => c.title)).toEqual(expect.arrayContaining(['Actor pre-training (tabular Q-learning)', 'Reporter training (REINFORCE, planner in the loop)']));
    expect(readFileSync(path.join(dir, 'events.jsonl'), 'utf8')).toContain('"reporter"');
  });

  it('evaluation tasks are not verbatim in the language model\'s corpus', () => {
    // The item is the task with its room: the corpus' dialogues describe rooms too, and with four
    // objects of a few colours a room's list alone recurs by chance (1 of these 300, measured); what
    // must never be there is the task the planner is evaluated on.
    const corpus = readFileSync(fileURLToPath(new URL('../../tiny-lm/corpus/corpus.txt', import.meta.url)), 'utf8');
    for (let seed = 1; seed <= 5; seed++) {
      for (const room of roomsFor(new Rng(seed).fork('eval rooms'), 60)) expect(corpus.includes(parTaskText(room))).toBe(false);
    }
  });
});
