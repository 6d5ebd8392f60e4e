/**
 * Planner-Actor-Reporter (Dasgupta et al. 2023; taxonomy paper §6.2) and Inner Monologue (Huang et
 * al. 2022), in the order of the paper's method:
 *
 *   1. pre-train the Actor on primitive instructions (RL, no LLM)                    → actor.ts
 *   2. the episode loop: Planner (frozen LLM) → Actor → Reporter, every line into the prompt
 *                                                                                   → runParEpisode
 *   3. train the Reporter with RL, the frozen Planner and Actor in the loop, rewarded only by the
 *      final task outcome                                                           → trainReporter
 *   4. evaluate on held-out rooms (the same rooms and env seeds for every variant)  → evaluateRooms
 *   5. the pure-RL baseline on the whole task, same env-step budget                  → pureRl.ts
 *
 * One Planner-Actor-Reporter episode (Dasgupta et al. 2023, Fig. 1; taxonomy paper §6.2):
 *
 *   prompt ← task text
 *   repeat:  Planner (LLM) reads the prompt and gives an instruction     → "Planner: examine the red ball."
 *            Actor (RL) executes it in the world
 *            [Inner Monologue] a success detector appends                → "Success: no."
 *            Reporter (RL) chooses what to report of what the actor saw  → "Reporter: the red ball is bad."
 *            every line is appended to the prompt
 *   until an object is picked up (the task outcome) or the planner has nothing left to say.
 *
 * Inner Monologue (Huang et al. 2022) is the same loop with success-detection feedback appended after
 * each step (the "closed loop"); without it the planner is open loop with respect to whether its
 * instructions worked. Disturbances (an examine/pick-up fails, or the object rolls away) come from
 * the env (`failProb`, `moveProb`).
 */
import { z } from 'zod';
import { PpoConfig, prefixed, TabularQConfig, withDefaults, type Rng } from '@rlllm/core';
import { envRandom, ParGrid, parTaskText, sampleParState, type ParState } from '@rlllm/env';
import { instructionText, type Actor } from './actor.ts';
import { newDialogue, type Planner } from './planner.ts';
import { candidateReports, reporterReward, reporterState, SoftmaxReporter, type Reporter } from './reporter.ts';

export const ParConfig = z.object({
  actorEpisodes: z.number().int().min(50).default(3000).describe('Q-learning episodes for the actor (primitive instructions)'),
  actorHorizon: z.number().int().min(4).max(40).default(14).describe('steps a primitive may take'),
  ...withDefaults(prefixed('actor', TabularQConfig.pick({ learningRate: true, gamma: true })), { actorLearningRate: 0.5, actorGamma: 0.95 }),
  actorEpsStart: z.number().min(0).max(1).default(1).describe('actor ε-greedy exploration at the start'),
  actorEpsEnd: z.number().min(0).max(1).default(0.05).describe('actor ε at the end of its decay'),
  actorExplorationFraction: z.number().gt(0).max(1).default(0.7).describe('actor ε decays over this fraction of its episodes'),
  reporterEpisodes: z.number().int().min(0).default(200).describe('REINFORCE episodes for the reporter (planner in the loop)'),
  reporterLearningRate: z.number().positive().default(1).describe('reporter REINFORCE step size'),
  trainRooms: z.number().int().min(1).default(24).describe('rooms the reporter trains in (disjoint from the evaluation rooms)'),
  evalRooms: z.number().int().min(2).default(40).describe('held-out rooms per seed, half search, half conditional'),
  maxTurns: z.number().int().min(1).max(12).default(8).describe('planner instructions per episode'),
  failProb: z.number().min(0).max(1).default(0.3).describe('Inner Monologue disturbance: examine / pick-up fails'),
  moveProb: z.number().min(0).max(1).default(0.1).describe('Inner Monologue disturbance: the object rolls away'),
  pureRlSteps: z.number().int().min(0).default(0).describe('env steps for the pure-RL baseline (0 = the actor + reporter budget)'),
  ...withDefaults(prefixed('pureRl', PpoConfig.pick({ learningRate: true, entCoef: true, gamma: true, hidden: true, nEnvs: true, nSteps: true })), { pureRlLearningRate: 5e-4, pureRlEntCoef: 0.02, pureRlGamma: 0.97 }),
  pureRlMaxSteps: z.number().int().positive().default(50).describe('pure-RL episode time limit'),
  plannerRepeats: z.enum(['after-failure', 'never', 'always']).default('after-failure').describe("PAR: when the planner may give an instruction again (planner.ts): after the transcript marked it failed, never, or always (no rule)"),
  imPlannerRepeats: z.enum(['after-failure', 'never', 'always']).default('always').describe("Inner Monologue's loops: the same rule in both (default none, as in the paper)"),
  ruleAblation: z.boolean().default(false).describe('also run PAR without the rule (group "par-no-rule") and Inner Monologue with the after-failure rule (group "inner-monologue-after-failure")'),
});
export type ParConfig = z.infer<typeof ParConfig>;

/** `n` rooms from `rng`, half search, half conditional (training and evaluation rooms come from separate streams). */
export function roomsFor(rng: Rng, n: number): ParState[] {
  return Array.from({ length: n }, (_, i) => sampleParState(envRandom(rng.seed()), 5, i % 2 === 0 ? 'search' : 'conditional'));
}

export interface EpisodeOptions {
  actor: Actor;
  planner: Planner;
  reporter: Reporter;
  rng: Rng;
  /** Inner Monologue's success detection: append "Success: yes/no." after each instruction. */
  successFeedback?: boolean;
  failProb?: number;
  moveProb?: number;
  maxTurns?: number;
}

export interface EpisodeResult {
  success: boolean;
  task: 'search' | 'conditional';
  turns: number;
  envSteps: number;
  /** The reporter's decisions: (its state, the report kind it chose). */
  reports: { state: number; kind: number }[];
  /** Primitives that failed (disturbances or actor errors). */
  failedPrimitives: number;
  transcript: string;
}

export async function runParEpisode(room: ParState, o: EpisodeOptions): Promise<EpisodeResult> {
  const env = new ParGrid({ failProb: o.failProb ?? 0, moveProb: o.moveProb ?? 0, maxSteps: 10_000 });
  env.reset({ seed: o.rng.seed(), state: room });
  const taskText = parTaskText(env.state);
  const d = newDialogue();
  const res: EpisodeResult = { success: false, task: room.task.kind, turns: 0, envSteps: 0, reports: [], failedPrimitives: 0, transcript: '' };
  for (let turn = 0; turn < (o.maxTurns ?? 8); turn++) {
    // Planner: the LLM picks the next instruction given the task and the dialogue so far.
    const choice = await o.planner.next(env.state, taskText, d);
    if (!choice) break;
    const text = instructionText(choice.ins, env.state);
    d.lines.push(`Planner: ${text}.`);
    res.turns++;

    // Actor: the RL policy executes the primitive instruction.
    const out = o.actor.execute(env, choice.ins);
    res.envSteps += out.steps;
    if (!out.success) res.failedPrimitives++;
    // The planner only knows an attempt failed if the transcript says so (Inner Monologue).
    d.given.set(text, { failed: !!o.successFeedback && !out.success });
    if (o.successFeedback) d.lines.push(out.success ? 'Success: yes.' : 'Success: no.');
    if (out.terminated) {
      res.success = out.reward > 0;
      break;
    }

    // Reporter: chooses what to tell the planner about what the actor saw.
    if (out.secret) {
      const state = reporterState(out.secret);
      const kind = o.reporter.choose(state, o.rng);
      res.reports.push({ state, kind });
      const line = candidateReports(env.state, choice.ins.object, out.secret)[kind]!;
      if (line) d.lines.push(line);
    }
  }
  res.transcript = [taskText, ...d.lines].join(' ');
  return res;
}

// ── 3. The Reporter's training: REINFORCE, reward = the task outcome only (Dasgupta et al. §5) ──────
export async function trainReporter(o: { actor: Actor; planner: Planner; rooms: ParState[]; episodes: number; learningRate: number; rng: Rng; maxTurns: number; onEpisode?: (i: number) => void }) {
  const rng = o.rng;
  const reporter = new SoftmaxReporter('trained');
  let baseline = 0;
  const success: number[] = [];
  const truthful: number[] = []; // P(truthful-relevant) averaged over the two reporter states, after each episode
  let envSteps = 0;
  for (let ep = 0; ep < o.episodes; ep++) {
    const room = o.rooms[rng.int(o.rooms.length)]!;
    const r = await runParEpisode(room, { actor: o.actor, planner: o.planner, reporter, rng, maxTurns: o.maxTurns });
    const G = reporterReward(r);
    reporter.update(r.reports, G, baseline, o.learningRate);
    baseline += 0.1 * (G - baseline);
    envSteps += r.envSteps;
    success.push(G);
    truthful.push((reporter.probs(0)[0]! + reporter.probs(1)[0]!) / 2);
    o.onEpisode?.(ep + 1);
  }
  reporter.greedy = true;
  return { reporter, success, truthful, envSteps };
}

// ── 4. Evaluation on held-out rooms: the same rooms and env seeds for every variant ─────────────
export async function evaluateRooms(rooms: ParState[], o: Omit<EpisodeOptions, 'rng'> & { rng: Rng; onEpisode?: (n: number) => void }): Promise<EpisodeResult[]> {
  const eps: EpisodeResult[] = [];
  for (const room of rooms) {
    eps.push(await runParEpisode(room, o));
    o.onEpisode?.(eps.length);
  }
  return eps;
}
