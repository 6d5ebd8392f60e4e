/**
 * Decoding a reward function with a small LM (the writer Eureka's search calls, eureka.ts): the LM
 * writes the body of `function reward(obs, action)` one line at a time, with decoding aids that
 * reject or complete lines while the LM picks their content — the simplifications a 1 M-parameter
 * model needs where Eureka's GPT-4 follows written instructions (the README lists them).
 */
import { Rng, type LanguageModel } from '@rlllm/core';
import { RewardSandbox } from './sandbox.ts';
import { checkLine, checkPrefix, completeLine, declare, scopeOf, type LineCheck, type Scope } from './check.ts';
import { assemblePrompt, HEADER, KEYDOOR_FIELDS, type PromptSections, type RewardWriter } from './eureka.ts';

/** Counters of what the decoding aids did (reported in `extra.search.*.decoding`). */
export interface DecodingStats {
  /** Lines sampled from the LM (body lines and return expressions). */
  sampled: number;
  /** Rejected by the static name check, by reason (names of another task, `Math.x`, …). */
  rejectedNames: number;
  /** Rejected because the body no longer parsed. */
  rejectedSyntax: number;
  /** Body lines given up after all resamples failed (the body then ends). */
  droppedLines: number;
  /** Returns that came from the grammar-constrained fallback (the LM's free returns all failed). */
  grammarReturns: number;
  /** Most frequent rejection reasons (names replaced by …). */
  reasons: Record<string, number>;
}
export const emptyDecodingStats = (): DecodingStats => ({ sampled: 0, rejectedNames: 0, rejectedSyntax: 0, droppedLines: 0, grammarReturns: 0, reasons: {} });

export interface WriterOptions {
  temperature: number;
  topK: number;
  /** Body lines at most (comments included). */
  maxLines: number;
  /** Samples per body slot (a line, or a comment + its line) before the body ends there. */
  tries: number;
  /** Samples of the code line after a sampled comment before the comment is dropped. */
  codeTries: number;
  /** Samples of a forced return expression before the grammar fallback. */
  returnTries: number;
  /** New tokens per sampled line; the prompt gets the rest of the context. */
  lineTokens: number;
  /** The task's observation fields (the static check's `obs.F`). */
  fields: readonly string[];
  /**
   * Token-level masking: while a line is written, a token is drawable only if the line can still
   * pass the static check (`checkPrefix`). Off: whole lines are sampled freely and rejected after.
   */
  tokenMask: boolean;
}

/**
 * The LM writes the body one line at a time (stop at newline). Decoding aids keep it to the task, all
 * simplifications relative to Eureka's GPT-4 (which follows the instruction to use only the
 * environment's variables and to return the reward); they reject or complete, the LM picks the content:
 *  - a sampled line is accepted only if it passes the static check of `check.ts` (every name in scope:
 *    earlier locals, `obs.<task field>`, `action`, real `Math` members) and the body still parses
 *    (compile-only in QuickJS); otherwise it is resampled (seeded);
 *  - a slot is one line, or a comment and the code line after it: a comment whose code line fails
 *    `codeTries` times is dropped with it; after `tries` samples for one slot the body ends there;
 *  - the body ends with a `return`: if the LM wrote none, it writes the expression after a forced
 *    `  return`, checked the same way (`returnTries`); if all fail, the return is decoded under a
 *    grammar — a sum of the declared components (`return a + b - c;`), each next term (or the end)
 *    sampled from the LM's own probabilities of the allowed continuations (`logProb`).
 * The assembled function can still fail at run time (NaN, ∞), which counts as not running.
 */
export class LmRewardWriter implements RewardWriter {
  readonly stats = emptyDecodingStats();
  private readonly opts: WriterOptions;
  constructor(private readonly lm: LanguageModel, opts: Partial<WriterOptions> = {}) {
    this.opts = { temperature: 0.6, topK: 10, maxLines: 14, tries: 16, codeTries: 4, returnTries: 8, lineTokens: 32, fields: KEYDOOR_FIELDS, tokenMask: false, ...opts };
  }

  private reject(reason: string) {
    this.stats.rejectedNames++;
    const k = reason.replace(/^\S+ is not (defined|allowed)$/, '… is not $1').replace(/^obs\.\S+ is not a field/, 'obs.… is not a field').replace(/^Math\.\S+ does not exist/, 'Math.… does not exist');
    this.stats.reasons[k] = (this.stats.reasons[k] ?? 0) + 1;
  }

  /** Static check + parse check of `line` after `lines`; returns the check (with declarations) or null. */
  private async accept(lines: string[], scope: Scope, line: string): Promise<LineCheck | null> {
    const c = checkLine(line, scope);
    if (!c.ok) {
      this.reject(c.reason);
      return null;
    }
    if (!(await bodyParses([...lines, line]))) {
      this.stats.rejectedSyntax++;
      return null;
    }
    return c;
  }

  async write(sections: PromptSections, prefixLines: string[], seed: number): Promise<string> {
    const { temperature, topK, tries, codeTries, lineTokens } = this.opts;
    const lines = [...prefixLines];
    // The kept lines of a mutation come from a reward that ran; their declarations are in scope.
    const scope = scopeOf(prefixLines, this.opts.fields).scope;
    // The context leaves room for the line to be written (and the "\n " or "\n  return" after the
    // prompt); what does not fit is left out by priority (assemblePrompt): the function so far, the
    // task line, the reflection, the obs line, the env source.
    const budget = this.lm.info.contextLength - lineTokens - 4;
    const count = (t: string) => this.lm.tokenize(t).length;
    const prompt = (extra: string[] = []) => assemblePrompt(sections, [HEADER, ...lines, ...extra].join('\n'), budget, count);
    const rng = new Rng(seed);
    const hasReturn = () => lines.some((l) => /^\s*return\b/.test(l));
    // Token-level masking (`checkPrefix`): the line so far must still be completable into a line
    // that passes the static name check and has the shape of a statement (`statementShape`); `head`
    // is what precedes the generated text on that line. A token that ends the line (its newline)
    // must leave a complete, valid line; the end-of-text token is never drawn inside a body.
    const allow = (head: string) =>
      this.opts.tokenMask
        ? (cont: string, end: boolean) => {
            if (end) return false;
            const nl = cont.indexOf('\n');
            const line = `${head}${nl < 0 ? cont : cont.slice(0, nl)}`.trimStart();
            return nl < 0 ? checkPrefix(line, scope) : completeLine(line, scope);
          }
        : undefined;
    // The prompt ends with "\n " — one BPE token, the one that starts every body line in the corpus
    // (the second space of the indentation is part of the next token: " const", " //", " return") —
    // and generation stops at the end of the line.
    const sample = async (extra: string[]) => {
      this.stats.sampled++;
      const p = `${prompt(extra)}\n `;
      return (await this.lm.generate(p, { maxNewTokens: lineTokens, temperature, topK, seed: rng.seed(), stop: ['\n'], allow: allow('') })).trim();
    };
    const isComment = (l: string) => l.startsWith('//');
    while (lines.length < this.opts.maxLines && !hasReturn()) {
      // One slot: a code line, or (the corpus style) a comment and the code line it announces. A
      // comment whose code line fails `codeTries` times is dropped with it (the comment steers the
      // line: "// penalize the hill" leads to MountainCar code). At most `tries` samples per slot.
      let unit: string[] | null = null;
      for (let used = 0; used < tries && unit === null; ) {
        const first = await sample([]);
        used++;
        // Empty lines, a repeated obs header or a new function are not part of a body: resample.
        if (first === '' || /^(\/\/ obs:|function\b)/.test(first)) continue;
        if (!isComment(first)) {
          const c = await this.accept(lines, scope, first);
          if (c) { declare(scope, c); unit = [`  ${first}`]; }
          continue;
        }
        for (let j = 0; j < codeTries && used < tries && unit === null; j++) {
          const code = await sample([`  ${first}`]);
          used++;
          if (code === '' || isComment(code) || /^function\b/.test(code)) continue;
          const c = await this.accept([...lines, `  ${first}`], scope, code);
          if (c) { declare(scope, c); unit = [`  ${first}`, `  ${code}`]; }
        }
      }
      if (unit === null) {
        this.stats.droppedLines++;
        break;
      }
      lines.push(...unit);
    }
    // Eureka's prompt tells the model that the function must return the reward; a 128-token model
    // cannot hold such instructions, so the format is imposed: if the body has no `return`, the LM
    // writes the return expression after a forced "  return".
    for (let attempt = 0; attempt < this.opts.returnTries && !hasReturn(); attempt++) {
      const gen = await this.lm.generate(`${prompt()}\n  return`, { maxNewTokens: lineTokens, temperature, topK, seed: rng.seed(), stop: ['\n'], allow: allow('return') });
      this.stats.sampled++;
      const ret = `return${gen.trimEnd()}`;
      if (await this.accept(lines, scope, ret)) lines.push(`  ${ret}`);
    }
    if (!hasReturn()) {
      this.stats.grammarReturns++;
      lines.push(`  ${await this.grammarReturn(`${prompt()}\n  return`, scope, rng.fork('grammar'))}`);
    }
    return `${HEADER}\n${lines.join('\n')}\n}`;
  }

  /**
   * Constrained decoding of `return t1 ± t2 ± …;` over the declared components (or, with none, the
   * task's fields): at each step the allowed continuations are scored by the LM and one is sampled
   * from their renormalized probabilities (temperature as above), until the LM picks the end `;`.
   */
  private async grammarReturn(prompt: string, scope: Scope, rng: Rng): Promise<string> {
    const terms = scope.locals.size > 0 ? [...scope.locals.keys()] : this.opts.fields.map((f) => `obs.${f}`);
    let expr = '';
    const used = new Set<string>();
    for (let step = 0; step < Math.min(6, terms.length); step++) {
      const free = terms.filter((t) => !used.has(t));
      const cands = step === 0 ? free.flatMap((t) => [` ${t}`, ` -${t}`]) : [';', ...free.flatMap((t) => [` + ${t}`, ` - ${t}`])];
      const lp = await this.lm.logProb(prompt + expr, cands);
      const m = Math.max(...lp);
      const pick = cands[rng.categorical(lp.map((v) => Math.exp((v - m) / this.opts.temperature)))]!;
      if (pick === ';') break;
      expr += pick;
      used.add(pick.replace(/^\s*[-+]?\s*/, ''));
    }
    return `return${expr};`;
  }
}

/** Compile-only check of the body so far inside the sandbox (nothing runs): syntax and redeclarations. */
function bodyParses(lines: string[]): Promise<boolean> {
  return RewardSandbox.parses(`(function (obs, action) {\n${lines.join('\n')}\n})`);
}

