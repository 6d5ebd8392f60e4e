/**
 * An environment checker in the spirit of Gymnasium's `check_env`: it exercises the API and
 * returns the problems it finds (empty = passes). Every environment in the repo passes it in tests.
 */
import { isTextEnv, type Env } from './env.ts';
import { Discrete } from './spaces.ts';

function sameObs(a: unknown, b: unknown): boolean {
  return JSON.stringify(a instanceof Float32Array ? Array.from(a) : a) === JSON.stringify(b instanceof Float32Array ? Array.from(b) : b);
}

export interface CheckOptions {
  /** Steps of random play to run (default 200). */
  steps?: number;
  seed?: number;
}

export function checkEnv<O, A>(env: Env<O, A>, opts: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const steps = opts.steps ?? 200;
  const seed = opts.seed ?? 123;
  const p = (msg: string) => problems.push(`${env.id ?? 'env'}: ${msg}`);

  if (!env.observationSpace || typeof env.observationSpace.contains !== 'function') p('observationSpace is not a Space');
  if (!env.actionSpace || typeof env.actionSpace.contains !== 'function') p('actionSpace is not a Space');
  if (problems.length) return problems;

  // reset: returns {obs, info} with obs in the space; seeding makes it reproducible.
  const r1 = env.reset({ seed });
  if (!r1 || typeof r1 !== 'object' || !('obs' in r1) || !('info' in r1)) return [...problems, `${env.id}: reset() must return {obs, info}`];
  if (!env.observationSpace.contains(r1.obs)) p('reset() obs is not in observationSpace');
  if (typeof r1.info !== 'object' || r1.info === null) p('reset() info must be an object');
  const r2 = env.reset({ seed });
  if (!sameObs(r1.obs, r2.obs)) p('reset({seed}) twice with the same seed gave different observations');

  // step: types, spaces, and determinism of the whole trajectory under the same seed.
  let actionRandom = 0.5;
  const random = () => ((actionRandom = (actionRandom * 9301 + 49297) % 233280), actionRandom / 233280);
  const rollout = (): unknown[] => {
    actionRandom = 0.5;
    const trace: unknown[] = [];
    env.reset({ seed });
    for (let t = 0; t < steps; t++) {
      const a = env.actionSpace.sample(random);
      const s = env.step(a);
      if (t === 0 && (!s || typeof s !== 'object')) {
        p('step() must return an object');
        return trace;
      }
      if (!env.observationSpace.contains(s.obs)) p(`step ${t}: obs is not in observationSpace`);
      if (typeof s.reward !== 'number' || !Number.isFinite(s.reward)) p(`step ${t}: reward must be a finite number`);
      if (typeof s.terminated !== 'boolean' || typeof s.truncated !== 'boolean') p(`step ${t}: terminated and truncated must be booleans`);
      if (typeof s.info !== 'object' || s.info === null) p(`step ${t}: info must be an object`);
      trace.push([s.obs instanceof Float32Array ? Array.from(s.obs) : s.obs, s.reward, s.terminated, s.truncated]);
      if (s.terminated || s.truncated) env.reset();
      if (problems.length > 5) break;
    }
    return trace;
  };
  const t1 = rollout();
  const t2 = rollout();
  if (JSON.stringify(t1) !== JSON.stringify(t2)) p('same seed and same actions gave different trajectories (env is not deterministic)');

  if (isTextEnv(env)) {
    const { obs } = env.reset({ seed });
    const text = env.describe(obs);
    if (typeof text !== 'string' || text.trim() === '') p('describe(obs) must return non-empty text');
    const names = env.actionNames();
    if (env.actionSpace instanceof Discrete && names.length !== env.actionSpace.n) p(`actionNames() has ${names.length} names for ${env.actionSpace.n} actions`);
    if (new Set(names).size !== names.length) p('actionNames() must be distinct');
  }
  return problems;
}

/** Throw with all problems listed if the env fails the check. */
export function assertEnv<O, A>(env: Env<O, A>, opts?: CheckOptions): void {
  const problems = checkEnv(env, opts);
  if (problems.length) throw new Error(`env check failed:\n- ${problems.join('\n- ')}`);
}
