/**
 * Generalized Advantage Estimation (Schulman et al. 2016), over a rollout of T steps × N envs
 * stored time-major (index t * N + i).
 *
 *   δ_t = r_t + γ V(s_{t+1}) (1 − done_t) − V(s_t)
 *   A_t = δ_t + γλ (1 − done_t) A_{t+1}
 *   returns_t = A_t + V(s_t)   (the value-function target)
 *
 * `dones[t]` = the episode ended at step t (terminated or truncated). A truncated episode is
 * bootstrapped by the caller, which adds γ V(final obs) to r_t before calling this.
 */
export function computeGae(
  rewards: Float32Array,
  values: Float32Array,
  dones: Uint8Array,
  lastValues: Float32Array,
  nEnvs: number,
  gamma: number,
  lambda: number,
): { advantages: Float32Array; returns: Float32Array } {
  const T = rewards.length / nEnvs;
  if (!Number.isInteger(T)) throw new Error('computeGae: rewards length must be a multiple of nEnvs');
  const advantages = new Float32Array(rewards.length);
  const returns = new Float32Array(rewards.length);
  for (let i = 0; i < nEnvs; i++) {
    let lastGae = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * nEnvs + i;
      const nextValue = t === T - 1 ? lastValues[i]! : values[k + nEnvs]!;
      const notDone = 1 - dones[k]!;
      const delta = rewards[k]! + gamma * nextValue * notDone - values[k]!;
      lastGae = delta + gamma * lambda * notDone * lastGae;
      advantages[k] = lastGae;
      returns[k] = lastGae + values[k]!;
    }
  }
  return { advantages, returns };
}

/**
 * Whiten advantages in place: (A − mean) / (std + 1e-8) over the entries where `mask` is 1 (all of
 * them without a mask; masked-out entries become 0). std is the sample std (n − 1), as torch's
 * `.std()` in CleanRL's norm_adv. PPO (per minibatch), A2C, LM-PPO (over a batch's real tokens) and
 * GLAM use it.
 */
export function normalizeAdvantages<T extends Float32Array | number[]>(adv: T, mask?: ArrayLike<number>): T {
  const on = (i: number) => !mask || mask[i]! !== 0;
  let n = 0;
  let m = 0;
  for (let i = 0; i < adv.length; i++) if (on(i)) (m += adv[i]!), n++;
  m /= Math.max(1, n);
  let v = 0;
  for (let i = 0; i < adv.length; i++) if (on(i)) v += (adv[i]! - m) ** 2;
  const s = Math.sqrt(v / Math.max(1, n - 1));
  for (let i = 0; i < adv.length; i++) adv[i] = on(i) ? (adv[i]! - m) / (s + 1e-8) : 0;
  return adv;
}
