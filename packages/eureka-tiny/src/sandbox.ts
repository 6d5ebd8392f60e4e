/**
 * The sandbox for LLM-written reward code (Eureka runs generated code; survey §5.1). A security
 * boundary, not `node:vm`: each candidate gets its own QuickJS runtime compiled to wasm
 * (quickjs-emscripten). The guest has only the ECMAScript built-ins — no fs, network, process,
 * timers, require or module loader — a memory limit (runtime.setMemoryLimit), a stack limit, and a
 * work budget per call: QuickJS polls its interrupt handler after every ~10 000 bytecode steps
 * (function calls and backward jumps count down a counter), and a call that reaches
 * `interruptBudget` polls is stopped. The count does not depend on the clock, so a slow candidate
 * fails or passes the same way on an idle and on a loaded machine; a generous wall-clock backstop
 * (`backstopMs`) only catches what the counter cannot see (one long native operation). Values cross the boundary only as JSON text built
 * inside the guest and validated by the host, so the host never touches a guest object. A hostile
 * or broken candidate fails alone: its runtime is disposed and the search goes on.
 */
import { getQuickJS, type InterruptHandler, type QuickJSContext, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten';

export interface SandboxLimits {
  /**
   * Interrupt polls per call (source evaluation or one reward call) before the call is stopped; QuickJS
   * polls about every 10 000 bytecode steps, so the budget is a step count, not a time.
   */
  interruptBudget: number;
  /** Wall-clock backstop per call, ms: only for work the poll counter cannot see (one long native call). */
  backstopMs: number;
  /** Guest heap limit, bytes. */
  memoryBytes: number;
}
export const DEFAULT_LIMITS: SandboxLimits = { interruptBudget: 100, backstopMs: 2000, memoryBytes: 8 * 1024 * 1024 };

/** Why the last call was stopped, if it was (the guest only sees QuickJS' "interrupted"). */
type Stop = 'budget' | 'backstop' | null;

/** An interrupt handler that stops after `budget` polls or, as a backstop, after `backstopMs`; `stopped()` says which. */
export function stepBudget(budget: number, backstopMs: number): { handler: InterruptHandler; polls: () => number; stopped: () => Stop } {
  let polls = 0;
  let stop: Stop = null;
  const deadline = Date.now() + backstopMs;
  return {
    handler: () => {
      if (++polls > budget) stop = 'budget';
      else if (Date.now() > deadline) stop = 'backstop';
      return stop !== null;
    },
    polls: () => polls,
    stopped: () => stop,
  };
}

export type RewardCall = { ok: true; value: number; components: Record<string, number> } | { ok: false; error: string };

let quickjs: Promise<QuickJSWASMModule> | null = null;
const getModule = () => (quickjs ??= getQuickJS());

// Evaluated before the candidate, as global `const`s the candidate cannot redeclare or reassign. It
// keeps its own references to JSON.stringify etc., so prototype tricks in the candidate can only make
// the candidate's own answer invalid (the host validates the text it gets back).
const PRELUDE = `
const __rec = (() => { let store = {}; const f = (name, v) => { if (typeof v === 'number' || typeof v === 'boolean') store[name] = Number(v); };
  f.reset = () => { store = {}; }; f.get = () => store; return f; })();
const __call = (() => { const stringify = JSON.stringify; const isFinite = Number.isFinite; const keys = Object.keys;
  return (obs, action) => {
    __rec.reset();
    if (typeof reward !== 'function') return stringify({ error: 'the code defines no function reward(obs, action)' });
    const out = reward(obs, action);
    let total = out; let comps = __rec.get();
    if (out !== null && typeof out === 'object') { comps = {}; total = 0; for (const k of keys(out)) { const v = Number(out[k]); comps[k] = v; total += v; } }
    if (typeof total === 'boolean') total = Number(total);
    if (typeof total !== 'number') return stringify({ error: 'reward returned ' + (total === null ? 'null' : typeof total) + ', not a number' });
    if (!isFinite(total)) return stringify({ error: 'reward returned ' + String(total) });
    const c = {}; for (const k of keys(comps)) { const v = comps[k]; if (isFinite(v)) c[k] = v; }
    return stringify({ value: total, components: c });
  };
})();
`;

/**
 * Reward reflection needs per-component values (Eureka §3.3). Generated code in the corpus style
 * computes named parts (`const distPenalty = ...;`) and returns their sum, so we record each
 * named `const/let` right after its declaration on the same line (same scope). A candidate may also
 * return an object of components, which are summed.
 */
export function instrument(source: string): string {
  return source
    .split('\n')
    .map((line) => {
      const m = /^\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=[^;]*;\s*(?:\/\/.*)?$/.exec(line);
      return m ? `${line.replace(/\/\/.*$/, '')} __rec(${JSON.stringify(m[1])}, ${m[1]});` : line;
    })
    .join('\n');
}

function errorText(vm: QuickJSContext, handle: Parameters<QuickJSContext['dump']>[0]): string {
  const e = vm.dump(handle) as unknown;
  handle.dispose();
  if (e && typeof e === 'object') {
    const o = e as { name?: unknown; message?: unknown };
    const msg = `${typeof o.name === 'string' ? o.name : 'Error'}: ${typeof o.message === 'string' ? o.message : JSON.stringify(e)}`;
    return msg.slice(0, 200);
  }
  return String(e).slice(0, 200);
}

export class RewardSandbox {
  private disposed = false;
  calls = 0;
  /** Interrupt polls of the last call (its work in units of ~10 000 bytecode steps; clock-free). */
  lastPolls = 0;
  private constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly vm: QuickJSContext,
    private readonly limits: SandboxLimits,
  ) {}

  /** Compile and evaluate a candidate's source in a fresh runtime. Throws SandboxError if it does not load. */
  static async create(source: string, limits: SandboxLimits = DEFAULT_LIMITS): Promise<RewardSandbox> {
    const QuickJS = await getModule();
    const runtime = QuickJS.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(256 * 1024);
    const vm = runtime.newContext();
    const sb = new RewardSandbox(runtime, vm, limits);
    const pre = sb.eval(PRELUDE);
    if (!pre.ok) throw new Error(`sandbox prelude failed: ${pre.error}`);
    const loaded = sb.eval(instrument(source));
    if (!loaded.ok) {
      sb.dispose();
      throw new SandboxError(`does not load: ${loaded.error}`);
    }
    return sb;
  }

  private eval(code: string): { ok: true; text: string } | { ok: false; error: string } {
    if (this.disposed) return { ok: false, error: 'sandbox disposed' };
    const budget = stepBudget(this.limits.interruptBudget, this.limits.backstopMs);
    this.runtime.setInterruptHandler(budget.handler);
    const why = () => {
      const s = budget.stopped();
      return s === 'budget' ? ` (work budget of ${this.limits.interruptBudget} interrupt polls used up)` : s === 'backstop' ? ` (wall-clock backstop of ${this.limits.backstopMs} ms)` : '';
    };
    try {
      const r = this.vm.evalCode(code, 'reward.js');
      if (r.error) return { ok: false, error: `${errorText(this.vm, r.error)}${why()}` };
      const v = this.vm.dump(r.value) as unknown;
      r.value.dispose();
      return { ok: true, text: typeof v === 'string' ? v : '' };
    } catch (e) {
      // The wasm side itself failed (e.g. out of memory while building an error): the candidate fails.
      return { ok: false, error: `${String((e as Error)?.message ?? e).slice(0, 200)}${why()}` };
    } finally {
      this.lastPolls = budget.polls();
      this.runtime.removeInterruptHandler();
    }
  }

  /** One reward call. The obs/action go in as JSON literals; the answer comes back as JSON text. */
  call(obs: Record<string, number | boolean>, action: number): RewardCall {
    this.calls++;
    const r = this.eval(`__call(${JSON.stringify(obs)}, ${JSON.stringify(action)})`);
    if (!r.ok) return r;
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.text);
    } catch {
      return { ok: false, error: 'reward call returned no valid answer' };
    }
    const p = parsed as { value?: unknown; components?: unknown; error?: unknown };
    if (typeof p.error === 'string') return { ok: false, error: p.error.slice(0, 200) };
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) return { ok: false, error: 'reward returned a non-number' };
    const components: Record<string, number> = {};
    if (p.components && typeof p.components === 'object') for (const [k, v] of Object.entries(p.components)) if (typeof v === 'number' && Number.isFinite(v)) components[k.slice(0, 40)] = v;
    return { ok: true, value: p.value, components };
  }

  /** Compile-only check (nothing runs) in a throwaway runtime. */
  static async parses(code: string): Promise<boolean> {
    const QuickJS = await getModule();
    const runtime = QuickJS.newRuntime();
    runtime.setMemoryLimit(DEFAULT_LIMITS.memoryBytes);
    runtime.setInterruptHandler(stepBudget(DEFAULT_LIMITS.interruptBudget, DEFAULT_LIMITS.backstopMs).handler);
    const vm = runtime.newContext();
    try {
      const r = vm.evalCode(code, 'line.js', { compileOnly: true });
      const ok = !r.error;
      (r.error ?? r.value).dispose();
      return ok;
    } catch {
      return false;
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.vm.dispose();
      this.runtime.dispose();
    } catch {
      // A runtime that died of OOM may not tear down cleanly; it is unreachable either way.
    }
  }
}

export class SandboxError extends Error {}
