/**
 * A worker process of a JobPool (pool.ts): it runs the jobs it is sent, one at a time, with the job
 * function loaded once per module, and sends each result back. It exits when told to, or when the
 * parent goes away.
 */
import { loadJob, TRAINER_ENV, type FromPoolWorker, type ToPoolWorker } from './pool.ts';
import { setDefaultTrainer, setOrtThreads, type TrainerName } from './trainer.ts';

// The parent's trainer; one onnxruntime thread, as the pool runs one worker per core.
if (process.env[TRAINER_ENV]) setDefaultTrainer(process.env[TRAINER_ENV] as TrainerName);
setOrtThreads(1);

const fns = new Map<string, Promise<(arg: unknown) => unknown>>();
const send = (m: FromPoolWorker) => new Promise<void>((done) => process.send!(m, () => done()));

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToPoolWorker) => {
  if (m.type === 'exit') process.exit(0);
  void (async () => {
    try {
      if (!fns.has(m.module)) fns.set(m.module, loadJob(m.module));
      const fn = await fns.get(m.module)!;
      await send({ type: 'done', batch: m.batch, id: m.id, result: await fn(m.arg) });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      await send({ type: 'failed', batch: m.batch, id: m.id, message: err.message, stack: err.stack });
    }
  })();
});
