/**
 * tfjs backend selection: tfjs-node if the user has it installed (native, fastest), else the
 * wasm backend (its .wasm files ship inside the npm package: nothing downloads), else pure-JS cpu.
 * `tf.setBackend` returns false instead of throwing when a backend cannot start (e.g. threaded
 * wasm in Node), so we check its return value and report which backend really runs.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
// PROD silences tfjs's "install tfjs-node" console banner: we pick tfjs-node up ourselves when present.
tf.env().set('PROD', true);
let chosen: BackendName | null = null;
let pending: Promise<BackendName> | null = null;

async function tryTfjsNode(): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and type-checkers from requiring the optional package.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend('wasm');
    if (ok) await tf.ready();
    return ok && tf.getBackend() === 'wasm';
  } catch {
    return false;
  }
}

/**
 * Select the best available backend once per process. `prefer` forces one (used by tests that
 * compare backends); otherwise tensorflow → wasm → cpu. Set RLLLM_TF_BACKEND to override.
 */
export async function initTf(prefer?: BackendName, log: (msg: string) => void = () => {}): Promise<BackendName> {
  const want = prefer ?? (process.env.RLLLM_TF_BACKEND as BackendName | undefined);
  if (chosen && (!want || want === chosen)) return chosen;
  if (pending && !want) return pending;
  pending = (async () => {
    const order: BackendName[] = want ? [want] : ['tensorflow', 'wasm', 'cpu'];
    for (const name of order) {
      const ok =
        name === 'tensorflow' ? await tryTfjsNode() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
      if (ok) {
        await tf.ready();
        chosen = tf.getBackend() as BackendName;
        log(`tfjs backend: ${chosen}`);
        return chosen;
      }
    }
    throw new Error(`no tfjs backend could start (tried ${order.join(', ')}); set RLLLM_TF_BACKEND=cpu`);
  })();
  try {
    return await pending;
  } finally {
    pending = null;
  }
}

export function currentBackend(): BackendName | null {
  return chosen;
}

export { tf };
