/**
 * The code model's reflection documents (corpus/codeReflection.ts) against what eureka-tiny prints:
 * the same reflection text as eureka's `reflect()`, the same task and obs lines, code that runs;
 * and the held-out items of the "code after reflection" probe stay out of the code model's data.
 */
import { describe, expect, it } from 'vitest';
import { OBS_LINE, reflect, TASK, type Candidate } from '@rlllm/eureka-tiny/eureka';
import { codeDocuments, Prng } from '../corpus/build.ts';
import { codeReflectionLeak, coefficientCue, obsLine, reflectionDoc, reflectionText, taskLine, type Reflection } from '../corpus/codeReflection.ts';
import { CODE_REFLECTION_ITEMS } from '../corpus/codeReflectionItems.ts';

const f: Reflection = { components: [['goalBonus', [0, 0.031, 0.05, 0.064]], ['stepPenalty', [0.5, 0.5, 0.5, 0.5]]], score: [0.02, 0.05, 0.08, 0.1], length: [40, 39, 38.4, 38], fitness: 0.114 };

describe('reflection documents', () => {
  it("print the reflection exactly as eureka's reflect() does, in full and fitness-only", () => {
    const stat = (trace: number[]) => ({ mean: 0, min: 0, max: 0, nonzero: 0, trace });
    const c: Candidate = {
      iteration: 1, source: '', ran: true, fitness: f.fitness, runs: [f.fitness], origin: 'restart',
      stats: { trainSuccess: 0, keyRate: 0, doorRate: 0, episodes: 1, sandboxCalls: 0, components: Object.fromEntries(f.components.map(([k, v]) => [k, stat(v)])), successTrace: f.score, lengthTrace: f.length },
    };
    expect(reflectionText(f, true)).toBe(reflect(c, true));
    expect(reflectionText(f, false)).toBe(reflect(c, false));
  });
  it("use eureka's key-door task and obs lines", () => {
    expect(taskLine('keydoor')).toBe(TASK);
    expect(obsLine('keydoor')).toBe(OBS_LINE);
  });
  it('are deterministic and end in a reward function after the reflection and the task line', () => {
    const a = reflectionDoc(new Prng(7));
    expect(reflectionDoc(new Prng(7)).text).toBe(a.text);
    const lines = a.text.split('\n');
    expect(lines[0]).toMatch(/^Reward reflection: /);
    expect(lines).toContain(taskLine(a.task));
    expect(a.text).toMatch(/function reward\(obs, action\) \{\n[\s\S]*\n\}$/);
  });
  it('with rescaled rewards, the old coefficient alone tells the revision less than with the library ranges', () => {
    // One common factor per reward keeps the terms' ratios (what the reflection shows) and hides the
    // absolute size, which is all a reader of the code alone has.
    const library = coefficientCue(3, 2000, false);
    const rescaled = coefficientCue(3, 2000, true);
    expect(library.rescalings).toBeGreaterThan(300);
    expect(rescaled.rescalings).toBeGreaterThan(300);
    expect(rescaled.balancedAccuracy).toBeLessThan(library.balancedAccuracy - 0.03);
  });
  it("hold none of the probe's held-out items (the code model's data drops them)", () => {
    const leak = codeReflectionLeak();
    const docs = codeDocuments(2, 400);
    expect(docs.length).toBe(400);
    expect(docs.filter((d) => leak(d) !== null)).toEqual([]);
    // The matcher does find an item's own lines.
    expect(leak(CODE_REFLECTION_ITEMS[0]!.source)).not.toBeNull();
  });
});
