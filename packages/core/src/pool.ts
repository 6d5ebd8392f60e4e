/**
 * A pool of worker processes for independent jobs (e.g. one RL training per job): `pool.map(jobs)`
 * runs a module's exported job function on each argument and gives the results in job order,
 * whichever process ran which job. With one process the jobs run here, one after the other, through
 * the same function — so a job's result never depends on the number of processes, as long as the job
 * draws its randomness from its argument (a seed from a named stream), not from shared state.
 *
 * The processes are forked like the experiment runner's seed workers (experimentWorker.ts: tsx loader,
 * `serialization: 'advanced'`, so typed arrays and Maps cross intact). An idle pool does not keep the
 * parent alive; the workers exit when the parent goes away.
 *
 * Process budget: the seed workers and the job pools together should not keep more processes busy
 * than there are cores. The experiment runner tells its seed workers how many of them there are
 * (RLLLM_SEED_WORKERS); `poolSize()` gives each the cores left for it: with 2 cores, 2 seed
 * workers get pools of 1 (jobs in the seed worker itself), 1 seed worker gets 2 job processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { defaultTrainer } from './trainer.ts';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Messages between a pool and its workers (poolWorker.ts). */
export type ToPoolWorker = { type: 'job'; batch: number; id: number; module: string; arg: unknown } | { type: 'exit' };
export type FromPoolWorker = { type: 'done'; batch: number; id: number; result: unknown } | { type: 'failed'; batch: number; id: number; message: string; stack?: string };

/** The environment variable that gives a pool worker its parent's trainer. */
export const TRAINER_ENV = 'RLLLM_TRAINER';

/** The environment variable through which the experiment runner tells its seed workers how many there are. */
export const SEED_WORKERS_ENV = 'RLLLM_SEED_WORKERS';

/** Job processes this process may use: the cores divided by the seed workers running beside it (≥ 1). */
export function poolSize(cores = availableParallelism(), env: NodeJS.ProcessEnv = process.env): number {
  const seedWorkers = Math.max(1, Number(env[SEED_WORKERS_ENV]) || 1);
  return Math.max(1, Math.floor(cores / seedWorkers));
}

/** Load a job function: `module` is `<url>#<export name>`. */
export async function loadJob(module: string): Promise<(arg: unknown) => unknown> {
  const [url, name] = module.split('#');
  if (!url || !name) throw new Error(`job module "${module}": expected <module url>#<export name>`);
  const fn = ((await import(url)) as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`job module ${url} exports no function \`${name}\``);
  return fn as (arg: unknown) => unknown;
}

const WORKER = fileURLToPath(new URL('./poolWorker.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export class JobPool {
  private readonly children: ChildProcess[] = [];
  private closed = false;
  /** Numbers each map call: a late answer from a failed call's job is not taken for one of the next call. */
  private batches = 0;
  /**
   * `module`: `<import.meta.url of the module>#<exported job function>`; the function takes one
   * structured-cloneable argument and returns (a promise of) a structured-cloneable result.
   * `processes` ≤ 1 runs the jobs in this process.
   */
  constructor(
    readonly module: string,
    readonly processes: number,
  ) {}

  /** Run `fn(arg)` for every argument; results in argument order. A failing job rejects with its message. */
  async map<A, R>(args: A[]): Promise<R[]> {
    if (this.closed) throw new Error('JobPool.map after close()');
    if (this.processes <= 1 || args.length <= 1) {
      const fn = await loadJob(this.module);
      const out: R[] = [];
      for (const a of args) out.push((await fn(a)) as R);
      return out;
    }
    while (this.children.length < Math.min(this.processes, args.length)) this.children.push(this.spawn());
    const busy = this.children.slice(0, Math.min(this.processes, args.length));
    const batch = ++this.batches;
    return new Promise<R[]>((resolve, reject) => {
      const results = new Array<R>(args.length);
      let next = 0;
      let done = 0;
      let failed = false;
      const cleanup = () => {
        for (const c of busy) {
          c.off('message', onMessage.get(c)!);
          c.off('exit', onExit);
          idle(c);
        }
      };
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        cleanup();
        reject(e);
      };
      const give = (c: ChildProcess) => {
        if (next >= args.length) return;
        const id = next++;
        c.send({ type: 'job', batch, id, module: this.module, arg: args[id] } satisfies ToPoolWorker);
      };
      const onExit = (code: number | null, signal: string | null) => fail(new Error(`a job process exited (${signal ?? `code ${code}`}) before its job was done`));
      const onMessage = new Map<ChildProcess, (m: FromPoolWorker) => void>();
      for (const c of busy) {
        const h = (m: FromPoolWorker) => {
          if (failed || m.batch !== batch) return;
          if (m.type === 'failed') {
            const e = new Error(m.message);
            if (m.stack) e.stack = m.stack;
            return fail(e);
          }
          results[m.id] = m.result as R;
          if (++done === args.length) {
            cleanup();
            resolve(results);
          } else give(c);
        };
        onMessage.set(c, h);
        c.on('message', h);
        c.on('exit', onExit);
        busy_(c);
        give(c);
      }
    });
  }

  /** Stop the worker processes (the pool cannot be used after). */
  close(): void {
    this.closed = true;
    for (const c of this.children) if (c.connected) c.send({ type: 'exit' } satisfies ToPoolWorker, () => {}); // a worker gone meanwhile: nothing to tell it
    this.children.length = 0;
  }

  private spawn(): ChildProcess {
    // The worker trains with this process's trainer (--trainer reaches the jobs), one onnxruntime
    // thread each: the pool already spreads its jobs over the cores.
    const env = { ...process.env, [TRAINER_ENV]: defaultTrainer() };
    const c = fork(WORKER, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', env });
    idle(c);
    return c;
  }
}

// A worker with a job in flight keeps the parent alive (its answer is awaited); an idle one does not.
function busy_(c: ChildProcess) {
  c.ref();
  (c.channel as unknown as { ref?: () => void } | undefined)?.ref?.();
}
function idle(c: ChildProcess) {
  c.unref();
  (c.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
}
