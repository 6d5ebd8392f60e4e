/**
 * Registries for the tests: the real tree, with some leaves pointed at the test doubles in
 * fixtures/leaves.ts and every other leaf pointed at a file that does not exist, so the tests stay
 * the same whether or not real leaf packages have landed.
 */
import { fileURLToPath } from 'node:url';
import { LEAVES, type LeafEntry } from '../src/leaves.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/leaves.ts', import.meta.url));
const ABSENT = fileURLToPath(new URL('./fixtures/absent.ts', import.meta.url));

/** Replace the leaf at `slot` (a real package name) by a double named `pkg` exported as `exportName`. */
export function registry(doubles: Record<string, { pkg: string; exportName: string }>): LeafEntry[] {
  return LEAVES.map((e) => {
    const d = doubles[e.pkg];
    return d ? { ...e, pkg: d.pkg, module: FIXTURES, exportName: d.exportName } : { ...e, module: ABSENT };
  });
}
