import { describe, it, expect } from 'vitest';
import { Rng } from '@rlllm/core';
import { PAR_ACTIONS, PAR_COLORS, PAR_SHAPES, parCorrectObject, type ParState } from '@rlllm/env';
import { evaluateOnRooms } from '../src/pureRl.ts';
import { roomsFor } from '../src/par.ts';

/** Offset of object k's [dx, dy] in ParGrid's observation (after the agent's x, y). */
const objectAt = (k: number) => 2 + k * (2 + PAR_COLORS.length + PAR_SHAPES.length + 2);

/** A scripted policy on the env's own observation: walk onto object `target()` and pick it up. */
function walkAndPick(target: () => number, picked: () => void) {
  return (obs: Float32Array) => {
    const o = objectAt(target());
    const dx = obs[o]!, dy = obs[o + 1]!;
    if (dx > 0) return PAR_ACTIONS.right;
    if (dx < 0) return PAR_ACTIONS.left;
    if (dy > 0) return PAR_ACTIONS.down;
    if (dy < 0) return PAR_ACTIONS.up;
    picked();
    return PAR_ACTIONS.pickUp;
  };
}

describe('pure-RL baseline: evaluation on the whole task (hand cases, scripted policies)', () => {
  // Six rooms, search and conditional alternating.
  const rooms: ParState[] = roomsFor(new Rng(9), 6);

  it('one episode per room; a success is the right object picked up in time, a wrong pick or the time limit is not', () => {
    expect(rooms.map((r) => r.task.kind)).toEqual(['search', 'conditional', 'search', 'conditional', 'search', 'conditional']);
    const pick = (choose: (room: ParState) => number, maxSteps: number) => {
      let room = 0;
      return evaluateOnRooms(walkAndPick(() => choose(rooms[room]!), () => room++), rooms, maxSteps, new Rng(1));
    };
    expect(pick(parCorrectObject, 50)).toEqual(rooms.map(() => true));
    expect(pick((r) => (parCorrectObject(r) + 1) % 4, 50)).toEqual(rooms.map(() => false));
    // The agent never starts on an object, so a walk and a pick-up need 2 steps at least.
    expect(pick(parCorrectObject, 1)).toEqual(rooms.map(() => false));
    // A policy that never picks anything up runs every episode to the time limit and fails it.
    let steps = 0;
    const up = () => {
      steps++;
      return PAR_ACTIONS.up;
    };
    expect(evaluateOnRooms(up, rooms, 7, new Rng(1))).toEqual(rooms.map(() => false));
    expect(steps).toBe(6 * 7);
  });
});
