/**
 * Instructions: what the user says, the scene it is said in, the skill sequences that count as a
 * correct plan, and a declarative goal checked on the final kitchen state.
 *
 * SayCan (Ahn et al. 2022, §5.1) reports two numbers per instruction family: *planning* success (the
 * chosen skill sequence is a right one; judged by people in the paper, here an exact match against
 * the listed `plans`) and *execution* success (the robot really did it; here the goal predicate holds
 * in the env at the end). Families follow the paper's table: single primitives, rearrangement,
 * long-horizon, and natural requests ("I spilled my coke, can you help?").
 *
 * Users bring their own with `--instructions FILE.json` (same format as ../instructions.json).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readJsonFile } from '@rlllm/core';
import { KITCHEN_OBJECTS, KITCHEN_OPENABLE, KITCHEN_PLACES, kitchenScene, objectIndex, placeIndex, HELD, type KitchenState } from '@rlllm/env';
import { makeSkills } from './skills.ts';

const Place = z.enum(KITCHEN_PLACES);
const Openable = z.enum(KITCHEN_OPENABLE as [string, ...string[]]);
const ObjectName = z.enum(KITCHEN_OBJECTS);
const SKILL_TEXTS = new Set(makeSkills().map((s) => s.text));
const Skill = z.string().refine((s) => SKILL_TEXTS.has(s), { message: 'not a skill of the robot (e.g. "find the apple", "go to the table", "open the fridge", "bring it to you", "done")' });

/** One conjunction of facts about the final state; every field optional. */
const GoalAtom = z
  .object({
    at: z.partialRecord(ObjectName, Place).optional().describe('object → place it must be at ("user" = handed to the user)'),
    open: z.array(Openable).optional(),
    closed: z.array(Openable).optional(),
    holding: z.union([ObjectName, z.literal('nothing')]).optional(),
    robotAt: Place.optional(),
  })
  .strict();

/** The goal: all facts of the top level, and (if given) at least one of `anyOf`. */
export const Goal = GoalAtom.extend({ anyOf: z.array(GoalAtom).min(1).optional() }).strict();
export type Goal = z.infer<typeof Goal>;

export const Scene = z
  .object({
    robot: Place.optional(),
    holding: ObjectName.nullable().optional(),
    open: z.array(Openable).optional(),
    objects: z.partialRecord(ObjectName, Place).optional(),
  })
  .strict();

export const Instruction = z
  .object({
    id: z.string().min(1),
    family: z.string().min(1).describe('e.g. "single primitive", "rearrangement", "long-horizon", "natural"'),
    text: z.string().min(1),
    scene: Scene.default({}),
    /** Skill sequences (each ending with "done") that count as a correct plan. */
    plans: z.array(z.array(Skill).min(1).refine((p) => p[p.length - 1] === 'done', { message: 'a plan must end with "done"' })).min(1),
    goal: Goal,
  })
  .strict();
export type Instruction = z.infer<typeof Instruction>;

export const InstructionFile = z
  .object({ instructions: z.array(Instruction).min(1) })
  .strict()
  .refine((f) => new Set(f.instructions.map((i) => i.id)).size === f.instructions.length, { message: 'instruction ids must be unique', path: ['instructions'] });

/** Read and validate a user's file; a bad one throws a one-line UserError naming the field. */
export function loadInstructions(file: string): Instruction[] {
  return readJsonFile(InstructionFile, file, 'instructions file').instructions;
}

export const DEFAULT_INSTRUCTIONS_FILE = fileURLToPath(new URL('../instructions.json', import.meta.url));
/** Instructions for choices made before the test set is run (e.g. the few-shot setting); never reported as results. */
export const DEV_INSTRUCTIONS_FILE = fileURLToPath(new URL('../dev-instructions.json', import.meta.url));

export function defaultInstructions(): Instruction[] {
  return InstructionFile.parse(JSON.parse(readFileSync(DEFAULT_INSTRUCTIONS_FILE, 'utf8'))).instructions;
}

export function initialState(ins: Instruction): KitchenState {
  return kitchenScene({ ...ins.scene, holding: ins.scene.holding ?? null } as Parameters<typeof kitchenScene>[0]);
}

function atomHolds(g: z.infer<typeof GoalAtom>, s: KitchenState): boolean {
  for (const [o, p] of Object.entries(g.at ?? {})) if (s.objects[objectIndex(o)] !== placeIndex(p!)) return false;
  for (const p of g.open ?? []) if (!s.open[placeIndex(p)]) return false;
  for (const p of g.closed ?? []) if (s.open[placeIndex(p)]) return false;
  if (g.holding !== undefined) {
    if (g.holding === 'nothing' ? s.holding !== -1 : s.objects[objectIndex(g.holding)] !== HELD) return false;
  }
  if (g.robotAt !== undefined && s.robot !== placeIndex(g.robotAt)) return false;
  return true;
}

/** Is the goal reached in state s? */
export function goalHolds(goal: Goal, s: KitchenState): boolean {
  return atomHolds(goal, s) && (!goal.anyOf || goal.anyOf.some((g) => atomHolds(g, s)));
}

/** Planning success: the chosen skill sequence (with its final "done") is one of the listed plans. */
export function planMatches(ins: Instruction, chosen: string[]): boolean {
  return ins.plans.some((p) => p.length === chosen.length && p.every((s, i) => s === chosen[i]));
}
