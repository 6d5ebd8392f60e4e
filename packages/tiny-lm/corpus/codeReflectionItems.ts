/**
 * Held-out items of the premise probe "code after reflection" (src/premises.ts): reward functions
 * and reflections that flag one component, never in the corpus. The corpus' reflection documents
 * (codeReflection.ts) are drawn from the library of REWARD_TERMS; these are written apart from it:
 *  - coefficients the corpus never writes (0.8, 0.3, 0.15, 1.5, 0.03, 4.0, 0.25, 40.0, 150.0, …; the
 *    corpus uses COEF, BONUS and the rescaled LITERALS of codeReflection.ts);
 *  - comment phrasings and several component names the corpus never uses (`// lean cost: the pole
 *    should not tilt`, `tiltCost`, `wobbleCost`, `fuelCost`, `timeCost`, `moveCost`, …);
 *  - on the five corpus reward tasks (the leaf's key-door world is six items of 35);
 *  - 23 call for shrinking the flagged term (dominant, or large and flat) and 12 for growing it (flat
 *    and negligible: a small constant beside terms that move); the probe scores balanced accuracy
 *    over the two, so a model that always makes one change scores 0.5.
 * The numbers are frozen: they were made once with codeReflection.ts's simulation on seeds and
 * progress curves of their own (not the corpus'), and each item's reflection flags exactly its
 * `flagged` component under `diagnose` — `flat` (its printed values never change) or `dominant` (≥ 10×
 * every other term) — which test/codeReflection.test.ts checks. The corpus drops every document that
 * contains one of `codeReflectionHeldOut()` (the items' comment lines and flagged lines).
 */
import type { RewardTaskId } from './knowledge.ts';

export interface CodeReflectionItem {
  id: string;
  task: RewardTaskId;
  /** The reward the reflection is about (never shown whole: the probe keeps its lines through the flagged one, as a mutation does). */
  source: string;
  /** The component the reflection flags (a term of the sum). */
  flagged: string;
  flag: 'flat' | 'dominant';
  /** Every named const of `source` with its values at the 4 checkpoints, in declaration order. */
  components: [string, number[]][];
  score: number[];
  length: number[];
  fitness: number;
}

export const CODE_REFLECTION_ITEMS: CodeReflectionItem[] = [
  {
    id: 'cartpole-alive', task: 'cartpole', flagged: 'alive', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // keep going: a reward for every step\n' +
      '  const alive = 0.8;\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 0.3 * Math.abs(obs.theta);\n' +
      '  // drift cost: keep the cart close to the middle\n' +
      '  const driftCost = 0.15 * Math.abs(obs.x);\n' +
      '  return alive - tiltCost - driftCost;\n' +
      '}',
    components: [['alive', [0.8, 0.8, 0.8, 0.8]], ['tiltCost', [0.03, 0.03, 0.03, 0.03]], ['driftCost', [0.02, 0.02, 0.03, 0.03]]],
    score: [0, 0, 0.02, 0.05], length: [12, 16, 22, 32], fitness: 0.06,
  },
  {
    id: 'cartpole-timebonus', task: 'cartpole', flagged: 'timeBonus', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 1.5 * Math.abs(obs.theta);\n' +
      '  // time bonus: a fixed reward per step\n' +
      '  const timeBonus = 0.03;\n' +
      '  // upright bonus: extra reward when the pole is nearly vertical\n' +
      '  const uprightBonus = Math.abs(obs.theta) < 0.15 ? 0.25 : 0;\n' +
      '  return timeBonus - tiltCost + uprightBonus;\n' +
      '}',
    components: [['tiltCost', [0.16, 0.14, 0.15, 0.13]], ['timeBonus', [0.03, 0.03, 0.03, 0.03]], ['uprightBonus', [0.18, 0.19, 0.19, 0.21]]],
    score: [0, 0, 0.02, 0.05], length: [12, 16, 22, 32], fitness: 0.06,
  },
  {
    id: 'cartpole-wobble', task: 'cartpole', flagged: 'wobbleCost', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // survive: reward for each step the pole stays up\n' +
      '  const alive = 0.15;\n' +
      '  // wobble cost: a fast swinging pole is about to fall\n' +
      '  const wobbleCost = 4.0 * obs.thetaDot * obs.thetaDot;\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 0.6 * Math.abs(obs.theta);\n' +
      '  return alive - wobbleCost - tiltCost;\n' +
      '}',
    components: [['alive', [0.15, 0.15, 0.15, 0.15]], ['wobbleCost', [3.23, 1.88, 1.82, 1.41]], ['tiltCost', [0.07, 0.05, 0.04, 0.04]]],
    score: [0, 0.07, 0.13, 0.21], length: [14, 45, 61, 80], fitness: 0.27,
  },
  {
    id: 'cartpole-cartspeed', task: 'cartpole', flagged: 'cartSpeedPenalty', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 0.8 * Math.abs(obs.theta);\n' +
      '  // cart speed cost: a calm cart keeps the pole steady\n' +
      '  const cartSpeedPenalty = 0.4 * Math.abs(obs.xDot);\n' +
      '  // wobble cost: a fast swinging pole is about to fall\n' +
      '  const wobbleCost = 0.15 * Math.abs(obs.thetaDot);\n' +
      '  return -tiltCost - cartSpeedPenalty - wobbleCost;\n' +
      '}',
    components: [['tiltCost', [0.08, 0.08, 0.07, 0.07]], ['cartSpeedPenalty', [0.13, 0.13, 0.13, 0.13]], ['wobbleCost', [0.1, 0.1, 0.09, 0.08]]],
    score: [0, 0.05, 0, 0.11], length: [12, 25, 50, 84], fitness: 0.13,
  },
  {
    id: 'reach-gap', task: 'reach', flagged: 'distPenalty', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 3.0 * dist;\n' +
      '  // slow down: moving fast near the goal overshoots it\n' +
      '  const speed = Math.hypot(obs.vx, obs.vy);\n' +
      '  const speedPenalty = 0.06 * speed;\n' +
      '  return -distPenalty - speedPenalty;\n' +
      '}',
    components: [['dist', [0.61, 0.45, 0.4, 0.32]], ['distPenalty', [1.83, 1.35, 1.2, 0.95]], ['speed', [0.38, 0.3, 0.3, 0.27]], ['speedPenalty', [0.02, 0.02, 0.02, 0.02]]],
    score: [0.04, 0.2, 0.36, 0.38], length: [103, 84, 81, 73], fitness: 0.42,
  },
  {
    id: 'reach-fuel', task: 'reach', flagged: 'fuelCost', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 0.4 * dist;\n' +
      '  // fuel cost: strong pushes waste energy\n' +
      '  const a = Array.isArray(action) ? action : [0, 0];\n' +
      '  const fuelCost = 0.03 * (a[0] * a[0] + a[1] * a[1]);\n' +
      '  // near bonus: a smooth reward that grows close to the goal\n' +
      '  const closeness = Math.exp(-dist / 0.3);\n' +
      '  return -distPenalty - fuelCost + closeness;\n' +
      '}',
    components: [['dist', [0.67, 0.6, 0.59, 0.45]], ['distPenalty', [0.27, 0.24, 0.23, 0.18]], ['fuelCost', [0.02, 0.02, 0.02, 0.02]], ['closeness', [0.19, 0.23, 0.22, 0.32]]],
    score: [0.01, 0.1, 0.11, 0.13], length: [100, 102, 96, 93], fitness: 0.1,
  },
  {
    id: 'reach-arrival', task: 'reach', flagged: 'successBonus', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 0.25 * dist;\n' +
      '  // arrival bonus: a large reward right at the goal\n' +
      '  const successBonus = dist < 0.15 ? 40.0 : 0;\n' +
      '  return -distPenalty + successBonus;\n' +
      '}',
    components: [['dist', [0.61, 0.45, 0.4, 0.32]], ['distPenalty', [0.15, 0.11, 0.1, 0.08]], ['successBonus', [4.4, 6.4, 5.8, 8.4]]],
    score: [0.04, 0.2, 0.36, 0.38], length: [103, 84, 81, 73], fitness: 0.42,
  },
  {
    id: 'reach-speed', task: 'reach', flagged: 'speedPenalty', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // slow down: moving fast near the goal overshoots it\n' +
      '  const speed = Math.hypot(obs.vx, obs.vy);\n' +
      '  const speedPenalty = 0.8 * speed;\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 0.03 * dist;\n' +
      '  return -speedPenalty - distPenalty;\n' +
      '}',
    components: [['speed', [0.39, 0.37, 0.35, 0.33]], ['speedPenalty', [0.31, 0.3, 0.28, 0.26]], ['dist', [0.67, 0.6, 0.59, 0.45]], ['distPenalty', [0.02, 0.02, 0.02, 0.01]]],
    score: [0.01, 0.1, 0.11, 0.13], length: [100, 102, 96, 93], fitness: 0.1,
  },
  {
    id: 'mountaincar-time', task: 'mountaincar', flagged: 'timeCost', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // climb reward: higher on the hill is better\n' +
      '  const heightReward = 0.6 * Math.sin(3 * obs.position);\n' +
      '  // momentum reward: swing faster to build speed\n' +
      '  const speedReward = 40.0 * Math.abs(obs.velocity);\n' +
      '  // time cost: every step costs a little\n' +
      '  const timeCost = 0.25;\n' +
      '  return heightReward + speedReward - timeCost;\n' +
      '}',
    components: [['heightReward', [-0.35, -0.25, -0.13, -0.14]], ['speedReward', [0.64, 0.87, 0.92, 1.07]], ['timeCost', [0.25, 0.25, 0.25, 0.25]]],
    score: [0.02, 0.2, 0.35, 0.44], length: [199, 178, 162, 157], fitness: 0.35,
  },
  {
    id: 'mountaincar-momentum', task: 'mountaincar', flagged: 'speedReward', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // climb reward: higher on the hill is better\n' +
      '  const heightReward = 0.03 * Math.sin(3 * obs.position);\n' +
      '  // momentum reward: swing faster to build speed\n' +
      '  const speedReward = 25.0 * Math.abs(obs.velocity);\n' +
      '  return heightReward + speedReward;\n' +
      '}',
    components: [['heightReward', [-0.02, -0.01, -0.01, -0.01]], ['speedReward', [0.4, 0.54, 0.58, 0.67]]],
    score: [0.02, 0.2, 0.35, 0.44], length: [199, 178, 162, 157], fitness: 0.35,
  },
  {
    id: 'mountaincar-flag', task: 'mountaincar', flagged: 'successBonus', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // climb reward: higher on the hill is better\n' +
      '  const heightReward = 0.02 * Math.sin(3 * obs.position);\n' +
      '  // flag bonus: a large reward at the top\n' +
      '  const successBonus = obs.position >= 0.5 ? 150.0 : 0;\n' +
      '  // momentum reward: swing faster to build speed\n' +
      '  const speedReward = 0.25 * Math.abs(obs.velocity);\n' +
      '  return heightReward + successBonus + speedReward;\n' +
      '}',
    components: [['heightReward', [-0.01, -0.01, 0, 0]], ['successBonus', [0, 0.18, 0.32, 0.4]], ['speedReward', [0, 0.01, 0.01, 0.01]]],
    score: [0.02, 0.2, 0.35, 0.44], length: [199, 178, 162, 157], fitness: 0.35,
  },
  {
    id: 'mountaincar-rightward', task: 'mountaincar', flagged: 'progress', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // momentum reward: swing faster to build speed\n' +
      '  const speedReward = 3.0 * Math.abs(obs.velocity);\n' +
      '  // rightward reward: the flag is on the right\n' +
      '  const progress = 0.07 * (obs.position + 1.2);\n' +
      '  // climb reward: higher on the hill is better\n' +
      '  const heightReward = 0.4 * Math.sin(3 * obs.position);\n' +
      '  return speedReward + progress + heightReward;\n' +
      '}',
    components: [['speedReward', [0.05, 0.07, 0.07, 0.08]], ['progress', [0.05, 0.05, 0.05, 0.05]], ['heightReward', [-0.23, -0.17, -0.09, -0.09]]],
    score: [0.02, 0.2, 0.35, 0.44], length: [199, 178, 162, 157], fitness: 0.35,
  },
  {
    id: 'pendulum-torque', task: 'pendulum', flagged: 'torquePenalty', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // tilt cost: the pendulum should point up\n' +
      '  const anglePenalty = 0.15 * obs.theta * obs.theta;\n' +
      '  // effort cost: push gently\n' +
      '  const torque = typeof action === "number" ? action : 0;\n' +
      '  const torquePenalty = 4.0 * torque * torque;\n' +
      '  return -anglePenalty - torquePenalty;\n' +
      '}',
    components: [['anglePenalty', [0.37, 0.31, 0.28, 0.25]], ['torque', [0, -0.02, 0.13, -0.08]], ['torquePenalty', [5.02, 4.69, 4.35, 4.61]]],
    score: [0.07, 0.11, 0.17, 0.21], length: [209, 202, 194, 207], fitness: 0.2,
  },
  {
    id: 'pendulum-spin', task: 'pendulum', flagged: 'velocityPenalty', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // tilt cost: the pendulum should point up\n' +
      '  const anglePenalty = 0.25 * (1 - Math.cos(obs.theta));\n' +
      '  // spin cost: a spinning pendulum cannot be held\n' +
      '  const velocityPenalty = 0.8 * obs.thetaDot * obs.thetaDot;\n' +
      '  return -anglePenalty - velocityPenalty;\n' +
      '}',
    components: [['anglePenalty', [0.23, 0.17, 0.14, 0.11]], ['velocityPenalty', [12.35, 8.35, 7.31, 5.76]]],
    score: [0, 0.22, 0.32, 0.46], length: [202, 194, 207, 199], fitness: 0.43,
  },
  {
    id: 'pendulum-hold', task: 'pendulum', flagged: 'uprightBonus', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // tilt cost: the pendulum should point up\n' +
      '  const anglePenalty = 0.03 * obs.theta * obs.theta;\n' +
      '  // hold bonus: a large reward while it is nearly upright\n' +
      '  const uprightBonus = Math.abs(obs.theta) < 0.25 ? 40.0 : 0;\n' +
      '  // spin cost: a spinning pendulum cannot be held\n' +
      '  const velocityPenalty = 0.07 * obs.thetaDot * obs.thetaDot;\n' +
      '  return -anglePenalty + uprightBonus - velocityPenalty;\n' +
      '}',
    components: [['anglePenalty', [0.09, 0.07, 0.06, 0.04]], ['uprightBonus', [5.2, 11.4, 17.2, 17]], ['velocityPenalty', [1.08, 0.73, 0.64, 0.5]]],
    score: [0, 0.22, 0.32, 0.46], length: [202, 194, 207, 199], fitness: 0.43,
  },
  {
    id: 'pendulum-tilt', task: 'pendulum', flagged: 'anglePenalty', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // spin cost: a spinning pendulum cannot be held\n' +
      '  const velocityPenalty = 0.03 * Math.abs(obs.thetaDot);\n' +
      '  // tilt cost: the pendulum should point up\n' +
      '  const anglePenalty = 3.0 * (1 - Math.cos(obs.theta));\n' +
      '  return -velocityPenalty - anglePenalty;\n' +
      '}',
    components: [['velocityPenalty', [0.09, 0.1, 0.09, 0.09]], ['anglePenalty', [3.11, 3, 2.56, 1.95]]],
    score: [0.02, 0, 0.1, 0.08], length: [214, 199, 199, 197], fitness: 0.12,
  },
  {
    id: 'keydoor-time', task: 'keydoor', flagged: 'timeCost', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // exit bonus: the episode is won at the goal\n' +
      '  const goalBonus = obs.atGoal ? 25.0 : 0;\n' +
      '  // key bonus: holding the key is the first step\n' +
      '  const keyBonus = obs.hasKey ? 0.3 : 0;\n' +
      '  // time cost: every step costs a little\n' +
      '  const timeCost = 0.15;\n' +
      '  return goalBonus + keyBonus - timeCost;\n' +
      '}',
    components: [['goalBonus', [0, 0.03, 0.06, 0.1]], ['keyBonus', [0.04, 0.06, 0.06, 0.06]], ['timeCost', [0.15, 0.15, 0.15, 0.15]]],
    score: [0, 0.09, 0.07, 0.18], length: [40, 39, 40, 38], fitness: 0.1,
  },
  {
    id: 'keydoor-walk', task: 'keydoor', flagged: 'distPenalty', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // exit bonus: the episode is won at the goal\n' +
      '  const goalBonus = obs.atGoal ? 4.0 : 0;\n' +
      '  // walk cost: head for the key, then the door, then the goal\n' +
      '  const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;\n' +
      '  const distPenalty = 1.5 * target;\n' +
      '  // door bonus: an open door is halfway\n' +
      '  const doorBonus = obs.doorOpen ? 0.07 : 0;\n' +
      '  return goalBonus - distPenalty + doorBonus;\n' +
      '}',
    components: [['goalBonus', [0, 0.04, 0.06, 0.07]], ['target', [6.29, 5.06, 4.58, 4.43]], ['distPenalty', [9.43, 7.59, 6.87, 6.65]], ['doorBonus', [0, 0.01, 0.02, 0.02]]],
    score: [0.03, 0.33, 0.44, 0.52], length: [39, 32, 30, 28], fitness: 0.51,
  },
  {
    id: 'keydoor-key', task: 'keydoor', flagged: 'keyBonus', flag: 'dominant',
    source:
      'function reward(obs, action) {\n' +
      '  // exit bonus: the episode is won at the goal\n' +
      '  const goalBonus = obs.atGoal ? 3.0 : 0;\n' +
      '  // key bonus: holding the key is the first step\n' +
      '  const keyBonus = obs.hasKey ? 4.0 : 0;\n' +
      '  // door bonus: an open door is halfway\n' +
      '  const doorBonus = obs.doorOpen ? 0.03 : 0;\n' +
      '  return goalBonus + keyBonus + doorBonus;\n' +
      '}',
    components: [['goalBonus', [0, 0, 0.01, 0.01]], ['keyBonus', [0.48, 0.76, 0.81, 0.81]], ['doorBonus', [0, 0, 0, 0]]],
    score: [0, 0.09, 0.07, 0.18], length: [40, 39, 40, 38], fitness: 0.1,
  },
  {
    id: 'keydoor-step', task: 'keydoor', flagged: 'stepPenalty', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // exit bonus: the episode is won at the goal\n' +
      '  const goalBonus = obs.atGoal ? 40.0 : 0;\n' +
      '  // walk cost: head for the key, then the door, then the goal\n' +
      '  const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;\n' +
      '  const distPenalty = 0.25 * target;\n' +
      '  // hurry: a fixed cost for every move\n' +
      '  const stepPenalty = 0.6;\n' +
      '  return goalBonus - distPenalty - stepPenalty;\n' +
      '}',
    components: [['goalBonus', [0, 0.05, 0.1, 0.16]], ['target', [6.35, 6.25, 5.98, 5.17]], ['distPenalty', [1.59, 1.56, 1.5, 1.29]], ['stepPenalty', [0.6, 0.6, 0.6, 0.6]]],
    score: [0, 0.09, 0.07, 0.18], length: [40, 39, 40, 38], fitness: 0.1,
  },
  {
    id: 'cartpole-survive', task: 'cartpole', flagged: 'alive', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 0.6 * Math.abs(obs.theta);\n' +
      '  // survive: reward for each step the pole stays up\n' +
      '  const alive = 0.04;\n' +
      '  // wobble cost: a fast swinging pole is about to fall\n' +
      '  const wobbleCost = 0.03 * Math.abs(obs.thetaDot);\n' +
      '  return alive - tiltCost - wobbleCost;\n' +
      '}',
    components: [['tiltCost', [0.06, 0.06, 0.06, 0.05]], ['alive', [0.04, 0.04, 0.04, 0.04]], ['wobbleCost', [0.02, 0.02, 0.02, 0.02]]],
    score: [0, 0, 0.02, 0.05], length: [12, 16, 22, 32], fitness: 0.06,
  },
  {
    id: 'pendulum-living', task: 'pendulum', flagged: 'livingCost', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // tilt cost: the pendulum should point up\n' +
      '  const anglePenalty = 0.4 * (1 - Math.cos(obs.theta));\n' +
      '  // living cost: a fixed cost for every step\n' +
      '  const livingCost = 0.3;\n' +
      '  // spin cost: a spinning pendulum cannot be held\n' +
      '  const velocityPenalty = 0.03 * Math.abs(obs.thetaDot);\n' +
      '  return -anglePenalty - livingCost - velocityPenalty;\n' +
      '}',
    components: [['anglePenalty', [0.31, 0.27, 0.23, 0.21]], ['livingCost', [0.3, 0.3, 0.3, 0.3]], ['velocityPenalty', [0.09, 0.09, 0.09, 0.07]]],
    score: [0.07, 0.11, 0.17, 0.21], length: [209, 202, 194, 207], fitness: 0.2,
  },
  {
    id: 'reach-time', task: 'reach', flagged: 'timeCost', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 0.8 * dist;\n' +
      '  // time cost: every step costs a little\n' +
      '  const timeCost = 0.07;\n' +
      '  // near bonus: a smooth reward that grows close to the goal\n' +
      '  const closeness = Math.exp(-dist / 0.3);\n' +
      '  return -distPenalty - timeCost + closeness;\n' +
      '}',
    components: [['dist', [0.67, 0.6, 0.59, 0.45]], ['distPenalty', [0.54, 0.48, 0.47, 0.36]], ['timeCost', [0.07, 0.07, 0.07, 0.07]], ['closeness', [0.19, 0.23, 0.22, 0.32]]],
    score: [0.01, 0.1, 0.11, 0.13], length: [100, 102, 96, 93], fitness: 0.1,
  },
  {
    id: 'keydoor-move', task: 'keydoor', flagged: 'moveCost', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // exit bonus: the episode is won at the goal\n' +
      '  const goalBonus = obs.atGoal ? 25.0 : 0;\n' +
      '  // move cost: each step spends a little\n' +
      '  const moveCost = 0.4;\n' +
      '  // walk cost: head for the key, then the door, then the goal\n' +
      '  const target = !obs.hasKey ? obs.distToKey : !obs.doorOpen ? obs.distToDoor : obs.distToGoal;\n' +
      '  const distPenalty = 0.07 * target;\n' +
      '  return goalBonus - moveCost - distPenalty;\n' +
      '}',
    components: [['goalBonus', [0, 0.03, 0.06, 0.1]], ['moveCost', [0.4, 0.4, 0.4, 0.4]], ['target', [6.35, 6.25, 5.98, 5.17]], ['distPenalty', [0.44, 0.44, 0.42, 0.36]]],
    score: [0, 0.09, 0.07, 0.18], length: [40, 39, 40, 38], fitness: 0.1,
  },
  {
    id: 'cartpole-tick', task: 'cartpole', flagged: 'tickCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 2.5 * Math.abs(obs.theta);\n' +
      '  // sway cost: a fast swinging pole is about to fall\n' +
      '  const swayCost = 0.6 * Math.abs(obs.thetaDot);\n' +
      '  // tick credit: a sliver of reward for every step\n' +
      '  const tickCredit = 0.025;\n' +
      '  return tickCredit - tiltCost - swayCost;\n' +
      '}',
    components: [['tiltCost', [0.25, 0.23, 0.22, 0.21]], ['swayCost', [0.4, 0.39, 0.38, 0.34]], ['tickCredit', [0.03, 0.03, 0.03, 0.03]]],
    score: [0, 0, 0.05, 0.09], length: [12, 17, 27, 38], fitness: 0.03,
  },
  {
    id: 'cartpole-keepup', task: 'cartpole', flagged: 'keepUp', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // wobble cost: a fast swinging pole is about to fall\n' +
      '  const wobbleCost = 1.2 * Math.abs(obs.thetaDot);\n' +
      '  // keep up: a token reward while the episode lasts\n' +
      '  const keepUp = 0.015;\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 3.5 * Math.abs(obs.theta);\n' +
      '  return keepUp - wobbleCost - tiltCost;\n' +
      '}',
    components: [['wobbleCost', [0.9, 0.61, 0.6, 0.64]], ['keepUp', [0.02, 0.02, 0.02, 0.02]], ['tiltCost', [0.37, 0.26, 0.25, 0.31]]],
    score: [0, 0.17, 0.2, 0.06], length: [12, 125, 153, 67], fitness: 0,
  },
  {
    id: 'reach-idle', task: 'reach', flagged: 'stepCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 1.5 * dist;\n' +
      '  // step credit: a small constant to keep the agent going\n' +
      '  const stepCredit = 0.025;\n' +
      '  // near bonus: a smooth reward that grows close to the goal\n' +
      '  const closeness = 0.8 * Math.exp(-dist / 0.25);\n' +
      '  return stepCredit - distPenalty + closeness;\n' +
      '}',
    components: [['dist', [0.66, 0.58, 0.47, 0.47]], ['distPenalty', [1, 0.87, 0.71, 0.7]], ['stepCredit', [0.03, 0.03, 0.03, 0.03]], ['closeness', [0.13, 0.17, 0.21, 0.19]]],
    score: [0.01, 0.12, 0.12, 0.23], length: [102, 95, 94, 85], fitness: 0.21,
  },
  {
    id: 'reach-hover', task: 'reach', flagged: 'presence', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // presence: a little reward just for being in the arena\n' +
      '  const presence = 0.03;\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 2.5 * dist;\n' +
      '  // slow down: moving fast near the goal overshoots it\n' +
      '  const speed = Math.hypot(obs.vx, obs.vy);\n' +
      '  const speedPenalty = 0.7 * speed;\n' +
      '  return presence - distPenalty - speedPenalty;\n' +
      '}',
    components: [['presence', [0.03, 0.03, 0.03, 0.03]], ['dist', [0.63, 0.47, 0.45, 0.53]], ['distPenalty', [1.56, 1.17, 1.12, 1.33]], ['speed', [0.38, 0.33, 0.32, 0.38]], ['speedPenalty', [0.27, 0.23, 0.23, 0.26]]],
    score: [0, 0.23, 0.26, 0.13], length: [105, 86, 90, 94], fitness: 0.01,
  },
  {
    id: 'mountaincar-tick', task: 'mountaincar', flagged: 'tickCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // climb: the higher up the right hill, the better\n' +
      '  const climb = 0.9 * (obs.position + 1.2);\n' +
      '  // momentum: speed in either direction builds the swing\n' +
      '  const speedReward = 6.0 * Math.abs(obs.velocity);\n' +
      '  // tick credit: a sliver of reward for every step\n' +
      '  const tickCredit = 0.035;\n' +
      '  return climb + speedReward + tickCredit;\n' +
      '}',
    components: [['climb', [0.64, 0.63, 0.61, 0.61]], ['speedReward', [0.05, 0.06, 0.08, 0.08]], ['tickCredit', [0.04, 0.04, 0.04, 0.04]]],
    score: [0, 0.07, 0.01, 0], length: [198, 208, 201, 198], fitness: 0,
  },
  {
    id: 'mountaincar-idle', task: 'mountaincar', flagged: 'idleCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // idle credit: a constant that does not depend on the car\n' +
      '  const idleCredit = 0.03;\n' +
      '  // momentum: speed in either direction builds the swing\n' +
      '  const speedReward = 8.0 * Math.abs(obs.velocity);\n' +
      '  // height: reward for getting past the valley floor\n' +
      '  const heightReward = 2.5 * Math.max(0, obs.position + 0.5);\n' +
      '  return idleCredit + speedReward + heightReward;\n' +
      '}',
    components: [['idleCredit', [0.03, 0.03, 0.03, 0.03]], ['speedReward', [0.06, 0.16, 0.18, 0.1]], ['heightReward', [0.18, 0.4, 0.39, 0.26]]],
    score: [0, 0.1, 0.21, 0.02], length: [200, 193, 181, 194], fitness: 0,
  },
  {
    id: 'pendulum-tick', task: 'pendulum', flagged: 'holdCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // tilt cost: the farther from upright, the worse\n' +
      '  const anglePenalty = 0.9 * Math.abs(obs.theta);\n' +
      '  // spin cost: a fast spin is hard to stop\n' +
      '  const velocityPenalty = 0.3 * Math.abs(obs.thetaDot);\n' +
      '  // hold credit: a small constant reward per step\n' +
      '  const holdCredit = 0.04;\n' +
      '  return holdCredit - anglePenalty - velocityPenalty;\n' +
      '}',
    components: [['anglePenalty', [1.44, 1.25, 1.13, 0.91]], ['velocityPenalty', [0.97, 0.91, 0.79, 0.77]], ['holdCredit', [0.04, 0.04, 0.04, 0.04]]],
    score: [0.01, 0, 0.17, 0.16], length: [198, 200, 191, 209], fitness: 0.18,
  },
  {
    id: 'pendulum-base', task: 'pendulum', flagged: 'baseCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // base credit: a token reward each step\n' +
      '  const baseCredit = 0.015;\n' +
      '  // tilt cost: the farther from upright, the worse\n' +
      '  const anglePenalty = 1.3 * obs.theta * obs.theta;\n' +
      '  // spin cost: a fast spin is hard to stop\n' +
      '  const spinCost = 0.25 * obs.thetaDot * obs.thetaDot;\n' +
      '  return baseCredit - anglePenalty - spinCost;\n' +
      '}',
    components: [['baseCredit', [0.02, 0.02, 0.02, 0.02]], ['anglePenalty', [4.36, 2.72, 2.02, 3.16]], ['spinCost', [4.13, 2.86, 2.45, 3.21]]],
    score: [0.01, 0.19, 0.23, 0.06], length: [191, 198, 206, 206], fitness: 0.13,
  },
  {
    id: 'keydoor-tick', task: 'keydoor', flagged: 'stepCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // approach: get closer to the key, then to the door\n' +
      '  const target = obs.hasKey ? obs.distToDoor : obs.distToKey;\n' +
      '  const distPenalty = 0.3 * target;\n' +
      '  // key found: a reward for holding the key\n' +
      '  const keyBonus = obs.hasKey ? 1.5 : 0;\n' +
      '  // step credit: a small constant to keep the agent going\n' +
      '  const stepCredit = 0.024;\n' +
      '  return keyBonus - distPenalty + stepCredit;\n' +
      '}',
    components: [['target', [5.79, 5.2, 5.2, 5.76]], ['distPenalty', [1.74, 1.56, 1.56, 1.73]], ['keyBonus', [0.26, 0.26, 0.31, 0.24]], ['stepCredit', [0.02, 0.02, 0.02, 0.02]]],
    score: [0.01, 0.04, 0.08, 0.09], length: [62, 59, 57, 59], fitness: 0.13,
  },
  {
    id: 'cartpole-center', task: 'cartpole', flagged: 'baseCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // base credit: a token reward each step\n' +
      '  const baseCredit = 0.012;\n' +
      '  // center cost: the cart should stay near the middle\n' +
      '  const centerCost = 0.45 * obs.x * obs.x;\n' +
      '  // lean cost: the pole should not tilt\n' +
      '  const tiltCost = 1.8 * Math.abs(obs.theta);\n' +
      '  return baseCredit - centerCost - tiltCost;\n' +
      '}',
    components: [['baseCredit', [0.01, 0.01, 0.01, 0.01]], ['centerCost', [0.02, 0.03, 0.04, 0.03]], ['tiltCost', [0.18, 0.13, 0.12, 0.14]]],
    score: [0.01, 0.26, 0.28, 0.12], length: [12, 131, 187, 92], fitness: 0.04,
  },
  {
    id: 'reach-calm', task: 'reach', flagged: 'tickCredit', flag: 'flat',
    source:
      'function reward(obs, action) {\n' +
      '  // tick credit: a sliver of reward for every step\n' +
      '  const tickCredit = 0.018;\n' +
      '  // gap cost: the farther from the goal, the worse\n' +
      '  const dist = Math.hypot(obs.x - obs.goalX, obs.y - obs.goalY);\n' +
      '  const distPenalty = 0.9 * dist;\n' +
      '  // slow down: moving fast near the goal overshoots it\n' +
      '  const speed = Math.hypot(obs.vx, obs.vy);\n' +
      '  const speedPenalty = 0.35 * speed;\n' +
      '  return tickCredit - distPenalty - speedPenalty;\n' +
      '}',
    components: [['tickCredit', [0.02, 0.02, 0.02, 0.02]], ['dist', [0.65, 0.57, 0.5, 0.45]], ['distPenalty', [0.59, 0.52, 0.45, 0.4]], ['speed', [0.39, 0.36, 0.35, 0.32]], ['speedPenalty', [0.14, 0.13, 0.12, 0.11]]],
    score: [0.01, 0.1, 0.11, 0.26], length: [157, 147, 137, 127], fitness: 0.23,
  },
];

/** The body lines of an item's reward through the flagged component's declaration (its comment included). */
export function linesThroughFlagged(item: CodeReflectionItem): string[] {
  const body = item.source.split('\n').slice(1, -1);
  const at = body.findIndex((l) => new RegExp(`^\\s*const ${item.flagged} =`).test(l));
  if (at < 0) throw new Error(`item ${item.id}: no declaration of ${item.flagged}`);
  return body.slice(0, at + 1);
}

/**
 * What identifies an item in a document: its comment lines (held-out phrasings) and its flagged
 * declaration (a held-out coefficient). Trimmed, so indentation does not matter.
 */
export function codeReflectionHeldOut(): string[] {
  const out = new Set<string>();
  for (const it of CODE_REFLECTION_ITEMS) {
    for (const l of it.source.split('\n')) if (l.trim().startsWith('//')) out.add(l.trim());
    out.add(linesThroughFlagged(it).at(-1)!.trim());
  }
  return [...out];
}
