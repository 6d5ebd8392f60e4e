/**
 * Which backend trains: 'ort' (default) — the compiled steps of `compile/`, forward + backward +
 * update as one onnxruntime-node run — or 'tfjs', the reference backend (tfjs autodiff on the wasm
 * backend, or tfjs-node where installed), which the parity tests compare against.
 *
 * One setting per process: the CLI flag `--trainer ort|tfjs` (config.ts `parseCli`) goes to
 * `runLeaf`, which sets it in its own process and sends it to every worker process before a seed
 * runs (experiment.ts); the report records it. Algorithms read it through `trainerOf`, so a call
 * can also name its trainer explicitly (the parity tests do).
 *
 * Threads: onnxruntime's intra-op threads per process. The experiment runner gives each of its
 * worker processes max(1, ⌊cores / workers⌋) so the seeds running side by side do not oversubscribe
 * the machine; 1 and 2 threads give bit-identical numbers (test/compile.test.ts), so a seed's numbers
 * do not depend on the worker count. Small networks (the RL MLPs) run on one thread whatever this
 * says (two were not faster at their sizes; core README "Design choices").
 */
import { availableParallelism } from 'node:os';

export const TRAINERS = ['ort', 'tfjs'] as const;
export type TrainerName = (typeof TRAINERS)[number];

let current: TrainerName = 'ort';
let threads: number | null = null;

/** The process's trainer. */
export function defaultTrainer(): TrainerName {
  return current;
}

export function setDefaultTrainer(t: TrainerName): void {
  if (!TRAINERS.includes(t)) throw new Error(`unknown trainer "${t}" (use ${TRAINERS.join(' or ')})`);
  current = t;
}

/** An explicit choice, else the process's trainer. */
export function trainerOf(explicit?: TrainerName): TrainerName {
  return explicit ?? current;
}

/** onnxruntime intra-op threads for the large compiled steps (GPT-2) in this process (default: the cores). */
export function ortThreads(): number {
  return threads ?? availableParallelism();
}

export function setOrtThreads(n: number | null): void {
  if (n !== null && (!Number.isInteger(n) || n < 1)) throw new Error(`ORT threads must be a positive integer, got ${n}`);
  threads = n;
}

/** The thread share of one of `workers` processes running side by side on this machine. */
export function threadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / Math.max(1, workers)));
}
