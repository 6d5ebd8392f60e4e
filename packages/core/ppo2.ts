import { initTf } from './src/backend.ts';
import { trainPpo } from './src/rl/ppo.ts';
import { stepsToThreshold } from './src/rl/common.ts';
import { CartPole } from '@rlllm/env';
await initTf();
for (const seed of [1, 2, 3]) {
const r = await trainPpo(() => new CartPole(), { totalTimesteps: 500000 }, { seed, onUpdate: ({ recentReturn }) => recentReturn >= 475 });
console.log('seed', seed, 'steps', r.envSteps, 'sec', r.seconds.toFixed(1), 'sps', (r.envSteps / r.seconds).toFixed(0), JSON.stringify(r.timing), 'to475', stepsToThreshold(r.episodes, 475));
}
