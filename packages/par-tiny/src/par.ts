/**
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
import type { Rng } from '@rlllm/core';
import { ParGrid, parTaskText, type ParState } from '@rlllm/env';
import { instructionText, type Actor } from './actor.ts';
import { newDialogue, type Planner } from './planner.ts';
import { candidateReports, reporterState, type Reporter } from './reporter.ts';

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
