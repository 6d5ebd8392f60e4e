"""
Reference for bench/ppo-cartpole.ts: PPO on CartPole-v1 in PyTorch, structured as CleanRL's ppo.py
(Huang et al. 2022) — 4 envs x 128 steps, 4 epochs x 4 minibatches, Adam (eps 1e-5) with the
learning rate 2.5e-4 annealed linearly over 500k steps, separate 64-64 tanh actor and critic with
orthogonal init, GAE(0.99, 0.95), per-minibatch advantage normalization, clipped surrogate and
clipped value loss, entropy 0.01, value coefficient 0.5, global grad-norm clip 0.5.

Gymnasium is not installed on our machine, so the environment is written here with Gymnasium's
CartPole-v1 dynamics and its per-env Python step (float math, a float64 numpy state, a float32
observation), stepped by a Gymnasium-style synchronous vector env that resets finished envs — the
same amount of Python work per env step as CleanRL with gymnasium.vector.SyncVectorEnv.

Run: /usr/bin/python3 torch_ppo_cartpole.py SEED [THREADS]   (Debian's python3-torch)
Stops when the mean of the last 20 episode returns reaches 475 or after 500k steps; prints one JSON
line: seed, env_steps, seconds, sps, steps_to_475, torch version and threads.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical


class CartPole:
    """Gymnasium's CartPole-v1: Euler steps of 0.02 s, +-10 N, ends past 12 degrees or 2.4 m, 500-step limit."""

    def __init__(self, rng):
        self.rng = rng
        self.state = None
        self.steps = 0

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=(4,))
        self.steps = 0
        return np.array(self.state, dtype=np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = 10.0 if action == 1 else -10.0
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + 0.05 * theta_dot * theta_dot * sin) / 1.1
        theta_acc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1))
        x_acc = temp - 0.05 * theta_acc * cos / 1.1
        x, x_dot = x + 0.02 * x_dot, x_dot + 0.02 * x_acc
        theta, theta_dot = theta + 0.02 * theta_dot, theta_dot + 0.02 * theta_acc
        self.state = np.array((x, x_dot, theta, theta_dot), dtype=np.float64)
        self.steps += 1
        terminated = bool(x < -2.4 or x > 2.4 or theta < -12 * 2 * math.pi / 360 or theta > 12 * 2 * math.pi / 360)
        truncated = not terminated and self.steps >= 500
        return np.array(self.state, dtype=np.float32), 1.0, terminated, truncated


class SyncVectorEnv:
    """Steps each env in turn; a finished env is reset at once and its episode return recorded."""

    def __init__(self, n, seed):
        rng = np.random.default_rng(seed)
        self.envs = [CartPole(rng) for _ in range(n)]
        self.returns = np.zeros(n)
        self.finished = []

    def reset(self):
        return np.stack([e.reset() for e in self.envs])

    def step(self, actions):
        obs, rewards, terms, truncs = [], [], [], []
        for i, (env, a) in enumerate(zip(self.envs, actions)):
            o, r, term, trunc = env.step(int(a))
            self.returns[i] += r
            if term or trunc:
                self.finished.append(self.returns[i])
                self.returns[i] = 0.0
                o = env.reset()
            obs.append(o)
            rewards.append(r)
            terms.append(term)
            truncs.append(trunc)
        return np.stack(obs), np.array(rewards), np.array(terms), np.array(truncs)


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, 1), std=1.0)
        )
        self.actor = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, n_actions), std=0.01)
        )

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        probs = Categorical(logits=self.actor(x))
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if len(sys.argv) > 2:
        torch.set_num_threads(int(sys.argv[2]))
    num_envs, num_steps, total_timesteps = 4, 128, 500_000
    learning_rate, gamma, gae_lambda = 2.5e-4, 0.99, 0.95
    num_minibatches, update_epochs, clip_coef = 4, 4, 0.2
    ent_coef, vf_coef, max_grad_norm = 0.01, 0.5, 0.5
    batch_size = num_envs * num_steps
    minibatch_size = batch_size // num_minibatches
    num_iterations = total_timesteps // batch_size

    np.random.seed(seed)
    torch.manual_seed(seed)
    envs = SyncVectorEnv(num_envs, seed)
    agent = Agent(4, 2)
    optimizer = torch.optim.Adam(agent.parameters(), lr=learning_rate, eps=1e-5)

    obs = torch.zeros((num_steps, num_envs, 4))
    actions = torch.zeros((num_steps, num_envs))
    logprobs = torch.zeros((num_steps, num_envs))
    rewards = torch.zeros((num_steps, num_envs))
    dones = torch.zeros((num_steps, num_envs))
    values = torch.zeros((num_steps, num_envs))

    global_step = 0
    steps_to_475 = None
    start = time.time()
    next_obs = torch.Tensor(envs.reset())
    next_done = torch.zeros(num_envs)
    for iteration in range(1, num_iterations + 1):
        optimizer.param_groups[0]["lr"] = (1.0 - (iteration - 1.0) / num_iterations) * learning_rate

        for step in range(num_steps):
            global_step += num_envs
            obs[step] = next_obs
            dones[step] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
                values[step] = value.flatten()
            actions[step] = action
            logprobs[step] = logprob
            next_obs_np, reward, terminations, truncations = envs.step(action.cpu().numpy())
            rewards[step] = torch.tensor(reward).view(-1)
            next_obs, next_done = torch.Tensor(next_obs_np), torch.Tensor(np.logical_or(terminations, truncations).astype(np.float32))
            if steps_to_475 is None and len(envs.finished) >= 20 and np.mean(envs.finished[-20:]) >= 475:
                steps_to_475 = global_step

        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards)
            lastgaelam = 0
            for t in reversed(range(num_steps)):
                if t == num_steps - 1:
                    nextnonterminal = 1.0 - next_done
                    nextvalues = next_value
                else:
                    nextnonterminal = 1.0 - dones[t + 1]
                    nextvalues = values[t + 1]
                delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
                advantages[t] = lastgaelam = delta + gamma * gae_lambda * nextnonterminal * lastgaelam
            returns = advantages + values

        b_obs = obs.reshape((-1, 4))
        b_logprobs = logprobs.reshape(-1)
        b_actions = actions.reshape(-1)
        b_advantages = advantages.reshape(-1)
        b_returns = returns.reshape(-1)
        b_values = values.reshape(-1)

        b_inds = np.arange(batch_size)
        clipfracs = []
        for epoch in range(update_epochs):
            np.random.shuffle(b_inds)
            for start_i in range(0, batch_size, minibatch_size):
                mb_inds = b_inds[start_i : start_i + minibatch_size]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb_inds], b_actions.long()[mb_inds])
                logratio = newlogprob - b_logprobs[mb_inds]
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs += [((ratio - 1.0).abs() > clip_coef).float().mean().item()]
                mb_advantages = b_advantages[mb_inds]
                mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
                pg_loss1 = -mb_advantages * ratio
                pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
                pg_loss = torch.max(pg_loss1, pg_loss2).mean()
                newvalue = newvalue.view(-1)
                v_loss_unclipped = (newvalue - b_returns[mb_inds]) ** 2
                v_clipped = b_values[mb_inds] + torch.clamp(newvalue - b_values[mb_inds], -clip_coef, clip_coef)
                v_loss_clipped = (v_clipped - b_returns[mb_inds]) ** 2
                v_loss = 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()
                entropy_loss = entropy.mean()
                loss = pg_loss - ent_coef * entropy_loss + v_loss * vf_coef
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
                optimizer.step()
        _ = approx_kl.item()  # CleanRL logs it once per iteration

        if steps_to_475 is not None:
            break

    seconds = time.time() - start
    print(json.dumps({
        "seed": seed, "env_steps": global_step, "seconds": seconds, "sps": global_step / seconds,
        "steps_to_475": steps_to_475, "torch": torch.__version__, "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
