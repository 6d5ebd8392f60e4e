/**
 * `npm run showcase`: runs every built leaf of the tree and prints what each synergy does.
 * Until the leaves land, it lists the tree and marks each leaf as built or not built.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runMain } from '@rlllm/core';
import { LEAVES } from './leaves.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

await runMain(async () => {
  console.log('rlllm-tree — the RL/LLM Taxonomy Tree (Pternea et al. 2024), leaf by leaf\n');
  let built = 0;
  for (const leaf of LEAVES) {
    const present = existsSync(join(root, 'packages', leaf.pkg, 'package.json'));
    if (present) built++;
    console.log(`${present ? '[built]    ' : '[not built]'} ${leaf.taxonomy.padEnd(46)} ${leaf.pkg.padEnd(14)} §${leaf.section} ${leaf.studies}`);
  }
  console.log(`\n${built} of ${LEAVES.length} leaves built.`);
});
