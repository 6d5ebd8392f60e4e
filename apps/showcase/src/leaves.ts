/**
 * The taxonomy tree (Pternea et al. 2024, Fig. 1) and the package that implements each leaf.
 * A leaf is "built" when its module resolves; the showcase loads it by name at run time (npm
 * workspaces link every package into node_modules/@rlllm/), so a leaf that does not exist yet is
 * listed as "not built" rather than breaking the build or the run.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface LeafEntry {
  /** Package name without scope, e.g. "saycan-tiny"; also the output folder DIR/<pkg>/. */
  pkg: string;
  /** Path in the tree, branches separated by " / ". */
  taxonomy: string;
  studies: string;
  /** Section of the survey. */
  section: string;
  /**
   * Where the leaf lives: a module specifier or an absolute file path (default `@rlllm/<pkg>`).
   * Tests register test doubles by pointing this at a fixture file.
   */
  module?: string;
  /** Name of the export holding the `Leaf` (default "leaf"). */
  exportName?: string;
}

export const LEAVES: LeafEntry[] = [
  { pkg: 'rlhf-tiny', taxonomy: 'RL4LLM / Fine-tuning / with human feedback', studies: 'InstructGPT, HH-RLHF, offline RLHF', section: '4.1.1' },
  { pkg: 'rlaif-tiny', taxonomy: 'RL4LLM / Fine-tuning / without human feedback', studies: 'Constitutional AI / RLAIF, RL4LMs-NLPO', section: '4.1.2' },
  { pkg: 'rlprompt-tiny', taxonomy: 'RL4LLM / Prompt', studies: 'RLPrompt, TEMPERA, Prompt-OIRL, red teaming', section: '4.2' },
  { pkg: 'eureka-tiny', taxonomy: 'LLM4RL / Reward', studies: 'Eureka, Kwon et al., Text2Reward', section: '5.1' },
  { pkg: 'ellm-tiny', taxonomy: 'LLM4RL / Goal', studies: 'ELLM, TaskExplore', section: '5.2' },
  { pkg: 'glam-tiny', taxonomy: 'LLM4RL / Policy', studies: 'GLAM, InstructRL', section: '5.3' },
  { pkg: 'saycan-tiny', taxonomy: 'RL+LLM / without language feedback', studies: 'SayCan, Plan4MC', section: '6.1' },
  { pkg: 'par-tiny', taxonomy: 'RL+LLM / with language feedback', studies: 'Planner-Actor-Reporter, Inner Monologue', section: '6.2' },
];

export const moduleOf = (e: LeafEntry): string => e.module ?? `@rlllm/${e.pkg}`;

// Resolve from this file so the answer is the same whatever the current directory is.
const require = createRequire(import.meta.url);

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** Is the leaf's module there? Resolution only — nothing is imported (importing may be slow). */
export function isBuilt(e: LeafEntry): boolean {
  try {
    require.resolve(moduleOf(e));
    return true;
  } catch {
    // A package whose "exports" has only an "import" condition does not resolve for require();
    // the workspace folder is then the evidence.
    return e.module === undefined && existsSync(`${packagesDir}${e.pkg}/package.json`);
  }
}
