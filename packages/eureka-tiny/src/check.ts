/**
 * A static check of one generated line of a reward body: the decoding aid that keeps the tiny LM to
 * the task's interface. Eureka's GPT-4 is told the environment's fields and follows the instruction;
 * a 1 M-parameter model trained on reward functions for five tasks mixes their names (`alive`,
 * `obs.position`, `Math.atGoal`). So, before a sampled line is accepted, every name in it must be in
 * scope (a rejected line is resampled, see `LmRewardWriter`):
 *   - a local declared on an earlier line (`const goalBonus = …`), `obs` or `action`;
 *   - `obs.F` only for a field F of the task (`obs` itself only as `obs.F`);
 *   - `Math.m` only for a real Math member, methods called, constants not;
 *   - no other globals, no calls except Math methods, no member access on locals, no assignment to
 *     a `const`, and a `return` needs an expression.
 * It is a scan over a small JS tokenizer, not a type checker: it guarantees that the names exist,
 * not that the value is finite (`Math.log(0)`), which still counts as "did not run".
 */

export type Token = { type: 'ident' | 'num' | 'str' | 'punct'; text: string };

const PUNCT = ['===', '!==', '**=', '>>>', '...', '&&=', '||=', '??=', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '=>', '++', '--', '+=', '-=', '*=', '/=', '%=', '**', '<<', '>>'];

/** Tokens of one line (comments dropped). Returns null on something it cannot scan (template literals, regex-like junk). */
export function tokenize(line: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (line.startsWith('//', i)) break;
    if (line.startsWith('/*', i)) {
      const end = line.indexOf('*/', i + 2);
      if (end < 0) return null;
      i = end + 2;
      continue;
    }
    if (c === '`') return null;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) return null;
      out.push({ type: 'str', text: line.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    const num = /^(?:0[xX][\da-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(line.slice(i));
    if (num && /[\d.]/.test(c)) {
      out.push({ type: 'num', text: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(line.slice(i));
    if (id) {
      out.push({ type: 'ident', text: id[0] });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((q) => line.startsWith(q, i)) ?? c;
    out.push({ type: 'punct', text: p });
    i += p.length;
  }
  return out;
}

/** Keywords a reward line may use; any other reserved word (loops, `new`, `function`, `this`…) is rejected. */
const KEYWORDS = new Set(['const', 'let', 'var', 'return', 'if', 'else', 'true', 'false', 'typeof']);
/** Reserved words and host names: not names a reward may use (reported as "not allowed"). */
const RESERVED = new Set(['while', 'for', 'do', 'new', 'function', 'this', 'class', 'import', 'export', 'delete', 'void', 'in', 'of', 'instanceof', 'switch', 'case', 'throw', 'try', 'catch', 'finally', 'yield', 'await', 'async', 'with', 'debugger', 'super', 'extends', 'break', 'continue', 'default', 'eval', 'arguments', 'globalThis', 'Function']);
const DECL = new Set(['const', 'let', 'var']);
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '&&=', '||=', '??=', '++', '--']);
const MATH = new Map(Object.getOwnPropertyNames(Math).map((k) => [k, typeof (Math as unknown as Record<string, unknown>)[k] === 'function']));

export interface Scope {
  /** The task's observation fields (`obs.F`). */
  fields: readonly string[];
  /** Locals declared so far and how (`const` cannot be assigned). */
  locals: Map<string, 'const' | 'let' | 'var'>;
}

export type LineCheck = { ok: true; declares: [string, 'const' | 'let' | 'var'][] } | { ok: false; reason: string };

export function newScope(fields: readonly string[]): Scope {
  return { fields, locals: new Map() };
}

/** Check one body line against the scope (the scope is not changed; apply `declares` on acceptance). */
export function checkLine(line: string, scope: Scope): LineCheck {
  const t = tokenize(line);
  if (t === null) return { ok: false, reason: 'cannot scan the line' };
  const declares: [string, 'const' | 'let' | 'var'][] = [];
  const at = (k: number) => t[k]?.text;
  for (let k = 0; k < t.length; k++) {
    const tok = t[k]!;
    if (tok.type !== 'ident') continue;
    const name = tok.text;
    const prev = at(k - 1), next = at(k + 1);
    if (prev === '.' || prev === '?.') continue; // a property, checked with its base below
    if (KEYWORDS.has(name)) {
      if (name === 'return' && (next === undefined || next === ';' || next === '}')) return { ok: false, reason: 'return without a value' };
      continue;
    }
    if (prev !== undefined && DECL.has(prev)) {
      // The declared name; it is in scope from the next line on (using it on its own line is the TDZ).
      if (next !== '=') return { ok: false, reason: `declaration of ${name} without a value` };
      declares.push([name, prev as 'const' | 'let' | 'var']);
      continue;
    }
    if (name === 'obs') {
      const field = at(k + 2);
      if (next !== '.' || t[k + 2]?.type !== 'ident') return { ok: false, reason: 'obs used other than as obs.field' };
      if (!scope.fields.includes(field!)) return { ok: false, reason: `obs.${field} is not a field of the task` };
      if (at(k + 3) === '(' || at(k + 3) === '.' || at(k + 3) === '[') return { ok: false, reason: `obs.${field} is a value, not an object or function` };
      if (ASSIGN.has(at(k + 3) ?? '')) return { ok: false, reason: `assignment to obs.${field}` };
      continue;
    }
    if (name === 'Math') {
      const m = at(k + 2);
      if (next !== '.' || t[k + 2]?.type !== 'ident') return { ok: false, reason: 'Math used other than as Math.member' };
      if (!MATH.has(m!)) return { ok: false, reason: `Math.${m} does not exist` };
      const called = at(k + 3) === '(';
      if (MATH.get(m!) !== called) return { ok: false, reason: called ? `Math.${m} is not a function` : `Math.${m} is a function and must be called` };
      continue;
    }
    if (RESERVED.has(name)) return { ok: false, reason: `${name} is not allowed` };
    const kind = name === 'action' ? 'param' : scope.locals.get(name);
    if (kind === undefined) return { ok: false, reason: `${name} is not defined` };
    if (next === '(' || next === '.' || next === '[' || next === '?.') return { ok: false, reason: `${name} is a number, not an object or function` };
    if ((ASSIGN.has(next ?? '') || prev === '++' || prev === '--') && (kind === 'const' || kind === 'param')) return { ok: false, reason: `assignment to ${name}` };
  }
  return { ok: true, declares };
}

/**
 * Token-level form of `checkLine` (for constrained decoding, `GenerateOptions.allow`): can `prefix`
 * still be completed into a line that passes the check? Every name finished so far is checked as in
 * `checkLine`, with rules that need a following token deferred until it exists; the name being
 * written (the last token, when nothing follows it yet) must be the start of a name in scope
 * (`obs.dist` → `distToKey`, `goalB` → `goalBonus`, `Math.ab` → `abs`). Comments are free text.
 */
export function checkPrefix(prefix: string, scope: Scope): boolean {
  if (prefixOk(prefix, scope)) return true;
  // A trailing operator character may be the start of a longer one ("=" of "===", "/" of "//").
  return /[/=!<>&|*?+-]$/.test(prefix) && !/[/=!<>&|*?+-]{3}$/.test(prefix) && [...'/=&|*?+-'].some((c) => checkPrefix(prefix + c, scope));
}

function prefixOk(prefix: string, scope: Scope): boolean {
  // An unterminated string may still be closed: check the line as if it were.
  const open = [prefix, `${prefix}"`, `${prefix}'`].find((l) => tokenize(l) !== null);
  if (open === undefined) return false;
  const t = tokenize(open)!;
  // Code followed by a comment: the code part is finished, so it must be a whole, valid line.
  if (t.length > 0 && open.includes('//')) return completeLine(open, scope);
  const partial = t.length > 0 && t.at(-1)!.type === 'ident' && /[\w$]$/.test(open) ? t.at(-1)!.text : null;
  const at = (k: number) => t[k]?.text;
  const known = (k: number) => k < t.length - (partial !== null ? 1 : 0); // a finished token
  const startsAny = (names: Iterable<string>, p: string) => [...names].some((n) => n.startsWith(p));
  for (let k = 0; k < t.length; k++) {
    const tok = t[k]!;
    if (tok.type !== 'ident') continue;
    const name = tok.text;
    const prev = at(k - 1), next = known(k + 1) ? at(k + 1) : undefined;
    if (prev === '.' || prev === '?.') {
      // A property: its base decides. Only obs.F and Math.m exist.
      const base = at(k - 2);
      if (k === t.length - 1 && partial !== null) {
        if (base === 'obs' && !startsAny(scope.fields, name)) return false;
        if (base === 'Math' && !startsAny(MATH.keys(), name)) return false;
      }
      continue;
    }
    if (!known(k)) {
      // The name being written: a keyword, obs/Math/action, a local — or any new name after const/let.
      if (prev !== undefined && DECL.has(prev)) continue;
      if (!startsAny([...KEYWORDS, 'obs', 'Math', 'action', ...scope.locals.keys()], name)) return false;
      continue;
    }
    if (KEYWORDS.has(name)) {
      if (name === 'return' && (next === ';' || next === '}')) return false;
      continue;
    }
    if (prev !== undefined && DECL.has(prev)) {
      if (next !== undefined && next !== '=') return false;
      continue;
    }
    if (name === 'obs' || name === 'Math') {
      if (next !== undefined && next !== '.') return false;
      const member = known(k + 2) ? at(k + 2) : undefined;
      if (member === undefined) continue; // still being written (checked above) or not started
      if (t[k + 2]!.type !== 'ident') return false;
      const after = known(k + 3) ? at(k + 3) : undefined;
      if (name === 'obs') {
        if (!scope.fields.includes(member)) return false;
        if (after !== undefined && (after === '(' || after === '.' || after === '[' || ASSIGN.has(after))) return false;
      } else {
        if (!MATH.has(member)) return false;
        if (after !== undefined && MATH.get(member) !== (after === '(')) return false;
      }
      continue;
    }
    if (RESERVED.has(name)) return false;
    const kind = name === 'action' ? 'param' : scope.locals.get(name);
    if (kind === undefined) return false;
    if (next === '(' || next === '.' || next === '[' || next === '?.') return false;
    if ((ASSIGN.has(next ?? '') || prev === '++' || prev === '--') && (kind === 'const' || kind === 'param')) return false;
  }
  return statementShape(t) !== null;
}

const BINARY = new Set(['+', '-', '*', '/', '%', '**', '<', '>', '<=', '>=', '==', '!=', '===', '!==', '&&', '||', '??']);
const EQUALITY = new Set(['==', '!=', '===', '!==']);
const UNARY = new Set(['!', '-', '+', 'typeof']);

/**
 * The shape of a statement a reward body is made of, for token-level decoding: `const|let|var NAME =
 * EXPR;`, `NAME op= EXPR;`, `NAME++;` or `return EXPR;`, where EXPR is numbers, names, `obs.F`,
 * `Math.m` / `Math.f(EXPR, …)`, unary `! - + typeof`, binary operators, `( )` and `? :`; a string
 * only as the right side of an equality (`typeof action === "number"`). Returns null if `t` cannot
 * start such a statement, else whether it is complete. Other statements (`if …`) are not shaped
 * (`complete` true): the parse check after the line is their syntax check.
 */
export function statementShape(t: Token[]): { complete: boolean } | null {
  let k = 0;
  const first = t[0]?.text;
  if (first === undefined) return { complete: false };
  if (DECL.has(first)) {
    if (t[1] === undefined) return { complete: false };
    if (t[1].type !== 'ident') return null;
    if (t[2] === undefined) return { complete: false };
    if (t[2].text !== '=') return null;
    k = 3;
  } else if (first === 'return') k = 1;
  else if (t[0]!.type === 'ident' && !KEYWORDS.has(first) && first !== 'obs' && first !== 'Math') {
    if (t[1] === undefined) return { complete: false };
    if (t[1].text === '++' || t[1].text === '--') return t[2] === undefined ? { complete: true } : t[2].text === ';' && t[3] === undefined ? { complete: true } : null;
    if (!ASSIGN.has(t[1].text)) return null;
    k = 2;
  } else if (t[0]!.type === 'ident' && (first === 'if' || first === 'else')) return { complete: true };
  else return null;
  // EXPR: alternate operand / operator positions; a stack of open `(`, calls and `?`.
  const stack: ('(' | 'call' | '?')[] = [];
  let operand = true; // an operand is expected next
  for (; k < t.length; k++) {
    const tok = t[k]!, x = tok.text;
    if (operand) {
      if (UNARY.has(x)) continue;
      if (x === '(') { stack.push('('); continue; }
      if (x === ')' && stack.at(-1) === 'call' && t[k - 1]?.text === '(') { stack.pop(); operand = false; continue; }
      if (tok.type === 'num') { operand = false; continue; }
      if (tok.type === 'str') {
        if (!EQUALITY.has(t[k - 1]?.text ?? '')) return null;
        operand = false;
        continue;
      }
      if (tok.type !== 'ident' || (KEYWORDS.has(x) && x !== 'true' && x !== 'false')) return null;
      if (x === 'obs' || x === 'Math') {
        // obs.F / Math.m, and a Math function's opening parenthesis
        if (t[k + 1] === undefined) return { complete: false };
        if (t[k + 1]!.text !== '.') return null;
        if (t[k + 2] === undefined) return { complete: false };
        if (t[k + 2]!.type !== 'ident') return null;
        k += 2;
        if (x === 'Math' && MATH.get(t[k]!.text) === true) {
          if (t[k + 1] === undefined) return { complete: false };
          if (t[k + 1]!.text !== '(') return null;
          k += 1;
          stack.push('call');
          continue;
        }
      }
      operand = false;
      continue;
    }
    if (BINARY.has(x)) { operand = true; continue; }
    if (x === '?') { stack.push('?'); operand = true; continue; }
    if (x === ':') {
      if (stack.at(-1) !== '?') return null;
      stack.pop();
      operand = true;
      continue;
    }
    if (x === ')') {
      const top = stack.at(-1);
      if (top !== '(' && top !== 'call') return null;
      stack.pop();
      continue;
    }
    if (x === ',') {
      if (stack.at(-1) !== 'call') return null;
      operand = true;
      continue;
    }
    if (x === ';') return stack.length === 0 && k === t.length - 1 ? { complete: true } : null;
    return null;
  }
  return { complete: !operand && stack.length === 0 };
}

/** A whole line that passes the name check and, where it is shaped, is a complete statement. */
export function completeLine(line: string, scope: Scope): boolean {
  if (!checkLine(line, scope).ok) return false;
  const t = tokenize(line)!;
  return t.length === 0 || statementShape(t)?.complete === true; // a comment ends anywhere
}

/** Apply an accepted line's declarations. */
export function declare(scope: Scope, check: LineCheck): void {
  if (check.ok) for (const [n, k] of check.declares) scope.locals.set(n, k);
}

/** The scope after a list of body lines; lines that fail the check are reported. */
export function scopeOf(lines: string[], fields: readonly string[]): { scope: Scope; bad: { line: string; reason: string }[] } {
  const scope = newScope(fields);
  const bad: { line: string; reason: string }[] = [];
  for (const l of lines) {
    const c = checkLine(l, scope);
    if (c.ok) declare(scope, c);
    else bad.push({ line: l, reason: c.reason });
  }
  return { scope, bad };
}
