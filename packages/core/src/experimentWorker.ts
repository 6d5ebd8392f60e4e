/**
 * A worker process of the experiment runner (experiment.ts): it takes the run's trainer and thread
 * count, imports the leaf once, then runs the seeds it is sent, one at a time, exactly as the runner does in its own process (`runOneSeed`), and
 * sends each seed's outcome back. It exits when told to, or when the runner goes away.
 */
import type { z } from 'zod';
import { UserError } from './config.ts';
import { EventLog } from './events.ts';
import { runOneSeed, VariantFailure, type FromWorker, type ToWorker } from './experiment.ts';
import type { Leaf } from './leaf.ts';
import { setDefaultTrainer, setOrtThreads } from './trainer.ts';

let leaf: Leaf<z.ZodObject<z.ZodRawShape>> | null = null;
let config: unknown = null;
let log: EventLog = new EventLog(null);
const shared = new Map<string, Promise<unknown>>();

const send = (m: FromWorker) => new Promise<void>((done) => process.send!(m, () => done()));

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToWorker) => {
  void (async () => {
    if (m.type === 'init') {
      setDefaultTrainer(m.setup.trainer);
      setOrtThreads(m.setup.threads);
      const [url, name = 'leaf'] = m.module.split('#');
      const mod = (await import(url!)) as Record<string, Leaf<z.ZodObject<z.ZodRawShape>> | undefined>;
      if (!mod[name]) throw new Error(`${url} exports no \`${name}\``);
      leaf = mod[name]!;
      config = m.config;
      log = new EventLog(m.log, false, true);
      await send({ type: 'ready' });
    } else if (m.type === 'seed') {
      try {
        const outcome = await runOneSeed(leaf!, config as never, m.job, log, shared);
        await send({ type: 'done', outcome });
      } catch (e) {
        const f = e instanceof VariantFailure ? e : new VariantFailure(String((e as Error)?.message ?? e), (e as Error)?.stack);
        await send({ type: 'failed', seed: m.job.seed, message: f.message, detail: f.detail, user: e instanceof UserError });
      }
    } else process.exit(0);
  })().catch(async (e) => {
    await send({ type: 'failed', seed: -1, message: `worker: ${String((e as Error)?.message ?? e).split('\n')[0]}`, detail: (e as Error)?.stack, user: false });
  });
});
