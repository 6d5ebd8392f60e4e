/**
 * CartPole-v1, with Gymnasium's dynamics and limits (gymnasium/envs/classic_control/cartpole.py):
 * Euler integration with tau = 0.02 s, force ±10 N, termination past ±12° or ±2.4 m, truncation at
 * 500 steps, reward +1 per step including the terminating one, initial state U(-0.05, 0.05)^4.
 * The state is kept in float64 (as numpy does) and observations are returned as float32.
 */
import { Box, Discrete } from './spaces.ts';
import { envRandom, type Env, type StepResult, type TextEnv } from './env.ts';

export const CARTPOLE = {
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  length: 0.5, // half the pole's length
  forceMag: 10.0,
  tau: 0.02,
  thetaThreshold: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
  maxSteps: 500,
} as const;

export class CartPole implements Env<Float32Array, number>, TextEnv<Float32Array, number> {
  readonly id = 'CartPole-v1';
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(
    [-CARTPOLE.xThreshold * 2, -3.4028234663852886e38, -CARTPOLE.thetaThreshold * 2, -3.4028234663852886e38],
    [CARTPOLE.xThreshold * 2, 3.4028234663852886e38, CARTPOLE.thetaThreshold * 2, 3.4028234663852886e38],
    [4],
  );
  /** x, x_dot, theta, theta_dot (float64). */
  state = new Float64Array(4);
  private random = envRandom(0);
  private steps = 0;
  private stepsBeyondTerminated: number | null = null;

  reset(options: { seed?: number } = {}): { obs: Float32Array; info: Record<string, unknown> } {
    if (options.seed !== undefined) this.random = envRandom(options.seed);
    for (let i = 0; i < 4; i++) this.state[i] = -0.05 + 0.1 * this.random();
    this.steps = 0;
    this.stepsBeyondTerminated = null;
    return { obs: Float32Array.from(this.state), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new Error(`CartPole: invalid action ${action}`);
    const { gravity, massCart, massPole, length, forceMag, tau } = CARTPOLE;
    const totalMass = massPole + massCart;
    const poleMassLength = massPole * length;
    let [x, xDot, theta, thetaDot] = this.state as unknown as [number, number, number, number];
    const force = action === 1 ? forceMag : -forceMag;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    // Florian 2007, "Correct equations for the dynamics of the cart-pole system" (as Gymnasium).
    const temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
    const thetaAcc = (gravity * sin - cos * temp) / (length * (4.0 / 3.0 - (massPole * cos * cos) / totalMass));
    const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
    // Euler (Gymnasium's default kinematics_integrator).
    x = x + tau * xDot;
    xDot = xDot + tau * xAcc;
    theta = theta + tau * thetaDot;
    thetaDot = thetaDot + tau * thetaAcc;
    this.state[0] = x;
    this.state[1] = xDot;
    this.state[2] = theta;
    this.state[3] = thetaDot;
    this.steps++;

    const terminated = x < -CARTPOLE.xThreshold || x > CARTPOLE.xThreshold || theta < -CARTPOLE.thetaThreshold || theta > CARTPOLE.thetaThreshold;
    let reward: number;
    if (!terminated) reward = 1.0;
    else if (this.stepsBeyondTerminated === null) {
      this.stepsBeyondTerminated = 0; // the pole just fell: this step still counts
      reward = 1.0;
    } else {
      this.stepsBeyondTerminated++;
      reward = 0.0; // Gymnasium warns here: stepping a terminated episode
    }
    const truncated = !terminated && this.steps >= CARTPOLE.maxSteps;
    return { obs: Float32Array.from(this.state), reward, terminated, truncated, info: {} };
  }

  describe(obs: Float32Array): string {
    const dir = (v: number, pos: string, neg: string) => (v >= 0 ? pos : neg);
    return (
      `The cart is at ${obs[0]!.toFixed(2)} m moving ${dir(obs[1]!, 'right', 'left')} at ${Math.abs(obs[1]!).toFixed(2)} m/s; ` +
      `the pole leans ${dir(obs[2]!, 'right', 'left')} by ${((Math.abs(obs[2]!) * 180) / Math.PI).toFixed(1)} degrees, ` +
      `turning ${dir(obs[3]!, 'right', 'left')} at ${Math.abs(obs[3]!).toFixed(2)} rad/s.`
    );
  }

  actionNames(): string[] {
    return ['push the cart left', 'push the cart right'];
  }
}
