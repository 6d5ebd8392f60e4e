/**
 * The sandbox for LLM-written reward code (Eureka runs generated code; survey §5.1). A security
 * boundary, not `node:vm`: each candidate gets its own QuickJS runtime compiled to wasm
 * (quickjs-emscripten). The guest has only the ECMAScript built-ins — no fs, network, process,
 * timers, require or module loader — a memory limit (runtime.setMemoryLimit), a stack limit, and a
 * wall-clock limit per call (interrupt handler). Values cross the boundary only as JSON text built
 * inside the guest and validated by the host, so the host never touches a guest object. A hostile
 * or broken candidate fails alone: its runtime is disposed and the search goes on.
 */
import { getQuickJS, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten';

export interface SandboxLimits {
  /** Wall-clock limit per call (source evaluation or one reward call), ms. */
  timeLimitMs: number;
  /** Guest heap limit, bytes. */
  memoryBytes: number;
}
export const DEFAULT_LIMITS: SandboxLimits = { timeLimitMs: 50, memoryBytes: 8 * 1024 * 1024 };

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
    this.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + this.limits.timeLimitMs));
    try {
      const r = this.vm.evalCode(code, 'reward.js');
      if (r.error) return { ok: false, error: errorText(this.vm, r.error) };
      const v = this.vm.dump(r.value) as unknown;
      r.value.dispose();
      return { ok: true, text: typeof v === 'string' ? v : '' };
    } catch (e) {
      // The wasm side itself failed (e.g. out of memory while building an error): the candidate fails.
      return { ok: false, error: String((e as Error)?.message ?? e).slice(0, 200) };
    } finally {
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
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + DEFAULT_LIMITS.timeLimitMs));
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
