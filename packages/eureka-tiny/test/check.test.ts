import { describe, it, expect } from 'vitest';
import { GridKeyDoor } from '@rlllm/env';
import { checkLine, checkPrefix, completeLine, newScope, scopeOf, statementShape, tokenize, type Scope } from '../src/check.ts';
import { HEADER, HUMAN_REWARD, KEYDOOR_FIELDS, SPARSE_REWARD, TASK as TASK_LINE } from '../src/eureka.ts';
import { LmRewardWriter } from '../src/writer.ts';
import { RewardSandbox } from '../src/sandbox.ts';

const body = (src: string) => src.split('\n').slice(1, -1);

describe('static check of a generated line', () => {
  it('the field list is the env reward observation', () => {
    const env = new GridKeyDoor();
    env.reset({ seed: 1 });
    expect(Object.keys(env.rewardObs()).sort()).toEqual([...KEYDOOR_FIELDS].sort());
  });

  it('accepts valid keydoor lines, and the human and sparse rewards line by line', () => {
    const scope = newScope(KEYDOOR_FIELDS);
    expect(checkLine('const goalBonus = obs.atGoal ? 5.0 : 0;', scope)).toEqual({ ok: true, declares: [['goalBonus', 'const']] });
    expect(checkLine('const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal; // next', scope)).toMatchObject({ ok: true });
    expect(checkLine('const d = Math.max(0, 0.5 * obs.distToGoal) + Math.PI * action;', scope)).toMatchObject({ ok: true });
    expect(checkLine('const torque = typeof action === "number" ? action : 0;', scope)).toMatchObject({ ok: true });
    expect(checkLine('// penalize the hill: heightReward = Math.atGoal', scope)).toEqual({ ok: true, declares: [] });
    for (const src of [HUMAN_REWARD, SPARSE_REWARD]) expect(scopeOf(body(src), KEYDOOR_FIELDS).bad).toEqual([]);
    expect([...scopeOf(body(HUMAN_REWARD), KEYDOOR_FIELDS).scope.locals.keys()]).toEqual(['goalBonus', 'keyBonus', 'doorBonus', 'target', 'distPenalty']);
  });

  it('rejects undefined names, names of other tasks, fake Math members and fields of other tasks', () => {
    const { scope } = scopeOf(['  const goalBonus = obs.atGoal ? 1 : 0;'], KEYDOOR_FIELDS);
    const bad: [string, RegExp][] = [
      ['return goalBonus + alive;', /alive is not defined/],
      ['return heightReward + speedReward;', /heightReward is not defined/],
      ['const dist = Math.atGoal ? 1.0 : 0;', /Math.atGoal does not exist/],
      ['const a = Math.abs;', /must be called/],
      ['const a = Math.PI(1);', /not a function/],
      ['const anglePenalty = 0.5 * Math.sin(3 * obs.position);', /obs.position is not a field/],
      ['const t = obs.theta;', /obs.theta is not a field/],
      ['return - obs.abs(obs.x - obs.goalY);', /obs.abs is not a field/],
      ['const x = obs;', /obs used other than/],
      ['const x = obs["atGoal"];', /obs used other than/],
      ['const s = goalBonus(1);', /not an object or function/],
      ['goalBonus = 2;', /assignment to goalBonus/],
      ['return total = goalBonus;', /total is not defined/],
      ['const total = total + 1;', /total is not defined/], // its own line: temporal dead zone
      ['return;', /return without a value/],
      ['while (true) {}', /while is not allowed/],
      ['const f = new Array(3);', /new is not allowed/],
      ['const g = globalThis.process;', /globalThis is not allowed/],
      ['const t = `${goalBonus}`;', /cannot scan/],
    ];
    for (const [line, reason] of bad) {
      expect(checkLine(line, scope), line).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
    }
    // The same line is fine once the name is declared.
    expect(checkLine('return goalBonus + alive;', scopeOf(['const alive = 0.1;'], KEYDOOR_FIELDS).scope)).toMatchObject({ ok: false });
    expect(checkLine('return goalBonus;', scope)).toMatchObject({ ok: true });
    const s2 = scopeOf(['const goalBonus = 1;', 'let alive = 0.1;', 'alive += 1;'], KEYDOOR_FIELDS);
    expect(s2.bad).toEqual([]);
    expect(checkLine('return goalBonus + alive;', s2.scope)).toMatchObject({ ok: true });
  });

  it('tokenizes strings, numbers and comments', () => {
    expect(tokenize('const a = .5e-3 + 0x1f; // x')!.map((t) => t.text)).toEqual(['const', 'a', '=', '.5e-3', '+', '0x1f', ';']);
    expect(tokenize('x === "a\\"b" ? 1 : 2')!.map((t) => t.type)).toEqual(['ident', 'punct', 'str', 'punct', 'num', 'punct', 'num']);
    expect(tokenize('a /* c */ b')!.map((t) => t.text)).toEqual(['a', 'b']);
  });
});

/** The shortest prefix of `line` that checkPrefix refuses (null: every prefix passes). */
function firstRejected(line: string, scope: Scope): string | null {
  for (let i = 1; i <= line.length; i++) if (!checkPrefix(line.slice(0, i), scope)) return line.slice(0, i);
  return null;
}

describe('token-level check (checkPrefix, statementShape): the mask for constrained decoding', () => {
  // Every keydoor line shape of the LM's corpus (each coefficient form), the human and sparse
  // rewards, and lines with Math, typeof and comments, each after the lines before it.
  const bodies = [
    body(HUMAN_REWARD),
    body(SPARSE_REWARD),
    ['  // goal bonus: the task is solved', '  const goalBonus = obs.atGoal ? 100.0 : 0;', '  // reward for holding the key', '  const keyBonus = obs.hasKey ? 0.05 : 0;', '  const doorBonus = obs.doorOpen ? 2.0 : 0;', '  // shaping: key first, then door, then goal', '  const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;', '  const distPenalty = 0.01 * target;', '  const stepPenalty = 0.1;', '  const total = goalBonus + keyBonus + doorBonus - distPenalty - stepPenalty;', '  return total;'],
    ['  const d = Math.max(0, 0.5 * obs.distToGoal) + Math.PI * action;', '  const torque = typeof action === "number" ? action : 0;', '  let s = -(d ** 2) / (1 + Math.abs(torque)); // a comment', '  s += Math.random();', '  s++;', '  return -s;'],
  ];

  it('never refuses a prefix of a valid line (so masking cannot make a corpus line unreachable)', () => {
    for (const b of bodies) {
      const scope = newScope(KEYDOOR_FIELDS);
      for (const raw of b) {
        const line = raw.trim();
        expect(firstRejected(line, scope), line).toBeNull();
        expect(completeLine(line, scope), line).toBe(true);
        const c = checkLine(line, scope);
        expect(c.ok, line).toBe(true);
        if (c.ok) for (const [n, k] of c.declares) scope.locals.set(n, k);
      }
    }
  });

  it('refuses at the first token that cannot lead to a valid line', () => {
    const { scope } = scopeOf(['  const goalBonus = obs.atGoal ? 1 : 0;'], KEYDOOR_FIELDS);
    const cases: [string, string][] = [
      ['const a = 0.5 * Math.sin(3 * obs.position);', 'const a = 0.5 * Math.sin(3 * obs.p'], // another task's field
      ['return goalBonus + alive;', 'return goalBonus + al'], // another task's name ("a" may still be "action")
      ['const d = Math.atGoal ? 1 : 0;', 'const d = Math.atG'], // Math.atan exists
      ['const x = 0.5 : 0;', 'const x = 0.5 :'], // ":" without "?"
      ['const x = obs.atGoal ? 1.0 : 0 : 0;', 'const x = obs.atGoal ? 1.0 : 0 :'],
      ['const y = (goalBonus + 1));', 'const y = (goalBonus + 1))'],
      ['const z = goalBonus goalBonus;', 'const z = goalBonus g'], // two operands in a row
      ['return;', 'return;'],
      ['const t = goalBonus + "a";', 'const t = goalBonus + "'], // a string only in an equality
      ['goalBonus = 2;', 'goalBonus ='], // assignment to a const
      ['while (true) {}', 'w'],
      ['const f = Math.abs + 1;', 'const f = Math.abs +'], // a Math function must be called
      ['const g = obs.atGoal ? 1 : 0 // bonus', null as unknown as string], // finished code before a comment is fine
      ['const h = obs.atGoal ? 1 // bonus', 'const h = obs.atGoal ? 1 //'], // unfinished code before a comment is not
    ];
    for (const [line, at] of cases) expect(firstRejected(line, scope), line).toBe(at);
  });

  it('statementShape tells complete from unfinished statements', () => {
    const shape = (l: string) => statementShape(tokenize(l)!);
    expect(shape('const a = 1;')).toEqual({ complete: true });
    expect(shape('const a = 1')).toEqual({ complete: true });
    expect(shape('const a = Math.hypot(1, 2) ? -1 : (2 + 3);')).toEqual({ complete: true });
    for (const l of ['const a =', 'const a = 1 +', 'const a = (1', 'const a = x ? 1', 'const a = Math.abs(', 'return', 'const a = obs.']) expect(shape(l), l).toEqual({ complete: false });
    for (const l of ['const a = 1; 2', 'const = 1', 'return )', 'a b']) expect(shape(l), l).toBeNull();
  });
});

/** A stub LM: hands out fixed lines in order; logProb prefers the end `;` after one term. */
class StubLm {
  readonly info = { name: 'stub', dir: null, modelType: 'stub', vocabSize: 1, contextLength: 128, hiddenSize: 1, causal: true };
  prompts: string[] = [];
  private i = 0;
  constructor(private readonly outs: string[]) {}
  async generate(prompt: string) {
    this.prompts.push(prompt);
    return this.outs[this.i++] ?? ' // nothing';
  }
  async logProb(prompt: string, cs: string[]) {
    return cs.map((c) => (c === ';' ? 0 : c === ' goalBonus' ? -0.01 : -50));
  }
  async embed(): Promise<Float32Array[]> { return []; }
  tokenize(_text: string): number[] { return []; }
  async dispose() {}
}

describe('LmRewardWriter with the static check', () => {
  it('resamples lines with names of other tasks, keeps valid keydoor lines, and decodes a return under the grammar', async () => {
    const lm = new StubLm([
      ' const heightReward = 0.5 * Math.sin(3 * obs.position);', // obs.position: another task
      ' const dist = Math.atGoal ? 1.0 : 0;', // Math.atGoal
      ' const goalBonus = obs.atGoal ? 5.0 : 0;', // accepted
      ' // penalize the hill', // a comment whose code lines all fail is dropped with them
      ' return heightReward + goalBonus;',
      ' return alive;',
      ' const anglePenalty = obs.theta;',
      ' return goalBonus +',
      ...Array(40).fill(' return anglePenalty;'),
    ]);
    const w = new LmRewardWriter(lm as never, { tries: 6, codeTries: 4, returnTries: 3 });
    const src = await w.write({ task: 'task', obs: 'obs' }, [], 1);
    expect(src).toBe('function reward(obs, action) {\n  const goalBonus = obs.atGoal ? 5.0 : 0;\n  return goalBonus;\n}');
    expect(lm.prompts[0]!.endsWith(`task\nobs\n${HEADER}\n `)).toBe(true);
    expect(w.stats).toMatchObject({ droppedLines: 1, grammarReturns: 1 });
    expect(w.stats.reasons).toMatchObject({ 'obs.… is not a field of the task': 2, 'Math.… does not exist': 1, '… is not defined': expect.any(Number) });
    const sb = await RewardSandbox.create(src);
    expect(sb.call({ hasKey: true, doorOpen: true, atGoal: true, distToKey: 0, distToDoor: 3, distToGoal: 0 }, 0)).toMatchObject({ ok: true, value: 5 });
    sb.dispose();
  });
});

/**
 * A stub LM that honours `allow` the way constrained decoding does, one character per token: of its
 * fixed candidate lines it returns (and uses up) the first whose every prefix and newline is allowed.
 */
class MaskingStubLm extends StubLm {
  refused: string[] = [];
  constructor(private readonly lines: string[]) {
    super([]);
    this.lines = [...lines];
  }
  override async generate(prompt: string, opts: { allow?: (s: string, end: boolean) => boolean } = {}) {
    this.prompts.push(prompt);
    for (const l of this.lines) {
      const ok = !opts.allow || ([...l].every((_, i) => opts.allow!(l.slice(0, i + 1), false)) && opts.allow(`${l}\n`, false));
      if (ok) {
        this.lines.splice(this.lines.indexOf(l), 1);
        return l;
      }
      this.refused.push(l);
    }
    return ' // nothing';
  }
}

describe('LmRewardWriter with token-level masking', () => {
  it('passes the static check as a mask: lines with other tasks\' names are never drawn, the scope grows line by line', async () => {
    const lm = new MaskingStubLm([
      ' const heightReward = 0.5 * Math.sin(3 * obs.position);',
      ' return goalBonus + distPenalty;', // allowed only once both are declared
      ' const goalBonus = obs.atGoal ? 5.0 : 0;',
      ' const distPenalty = 0.1 * obs.distToGoal;',
    ]);
    const w = new LmRewardWriter(lm as never, { tokenMask: true });
    const src = await w.write({ task: 'task', obs: 'obs' }, [], 1);
    expect(src).toBe('function reward(obs, action) {\n  const goalBonus = obs.atGoal ? 5.0 : 0;\n  const distPenalty = 0.1 * obs.distToGoal;\n  return goalBonus + distPenalty;\n}');
    expect(w.stats.rejectedNames).toBe(0); // nothing drawn had to be rejected after the fact
    expect(lm.refused).toContain(' const heightReward = 0.5 * Math.sin(3 * obs.position);');
    // Without the mask the same LM's first line is drawn and rejected by the line check.
    const free = new MaskingStubLm([' const heightReward = 0.5 * Math.sin(3 * obs.position);', ' const goalBonus = obs.atGoal ? 5.0 : 0;', ' return goalBonus;']);
    const w2 = new LmRewardWriter(free as never, { tokenMask: false, tries: 2 });
    await w2.write({ task: 'task', obs: 'obs' }, [], 1);
    expect(w2.stats.rejectedNames).toBeGreaterThan(0);
  });
});

describe('LmRewardWriter prompt for short and long contexts', () => {
  /** One token per whitespace-separated word (a stub tokenizer), with a settable context length. */
  class WordLm extends StubLm {
    constructor(contextLength: number, outs: string[]) {
      super(outs);
      (this.info as { contextLength: number }).contextLength = contextLength;
    }
    override tokenize(t: string) {
      return t.split(/\s+/).filter(Boolean).map(() => 0);
    }
  }
  const reflection = `Reward reflection: each reward component ...\ngoalBonus: ${Array(4).fill('0.00').join(', ')}`;
  const sections = { envSource: `/* ${Array(600).fill('src').join(' ')} */`, reflection, task: TASK_LINE, obs: 'obs line' };

  it('a longer context keeps the reflection and the task line and drops the env source; 128 tokens drop the reflection whole', async () => {
    const long = new WordLm(512, [' const goalBonus = obs.atGoal ? 5.0 : 0;', ' return goalBonus;']);
    await new LmRewardWriter(long as never, {}).write(sections, [], 1);
    expect(long.prompts[0]).toBe(`${reflection}\n${TASK_LINE}\nobs line\n${HEADER}\n `);
    const short = new WordLm(128, [' const goalBonus = obs.atGoal ? 5.0 : 0;', ' return goalBonus;']);
    await new LmRewardWriter(short as never, {}).write({ ...sections, reflection: `${reflection}\n${Array(100).fill('x').join(' ')}` }, [], 1);
    expect(short.prompts[0]).toBe(`${TASK_LINE}\nobs line\n${HEADER}\n `);
  });
});
