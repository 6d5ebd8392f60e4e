/**
 * The RL/LLM Taxonomy Tree (Pternea et al. 2024, Fig. 1) and the package that implements each leaf:
 * the one place the tree's names are spelled. Leaf metadata and the showcase both read it.
 */
export interface TaxonomyLeaf {
  /** Package name without scope, e.g. "saycan-tiny". */
  pkg: string;
  /** Path in the tree, branches separated by " / ", in the survey's capitalization. */
  path: string;
  /** The studies the survey files under this leaf (the first is the one the package implements). */
  studies: string;
  /** Section of the survey. */
  section: string;
}

export const TAXONOMY: readonly TaxonomyLeaf[] = [
  { pkg: 'rlhf-tiny', path: 'RL4LLM / Fine-tuning / with human feedback', studies: 'InstructGPT, HH-RLHF, offline RLHF', section: '4.1.1' },
  { pkg: 'rlaif-tiny', path: 'RL4LLM / Fine-tuning / without human feedback', studies: 'Constitutional AI / RLAIF, RL4LMs-NLPO', section: '4.1.2' },
  { pkg: 'rlprompt-tiny', path: 'RL4LLM / Prompt', studies: 'RLPrompt, TEMPERA, Prompt-OIRL, red teaming', section: '4.2' },
  { pkg: 'eureka-tiny', path: 'LLM4RL / Reward', studies: 'Eureka, Kwon et al., Text2Reward', section: '5.1' },
  { pkg: 'ellm-tiny', path: 'LLM4RL / Goal', studies: 'ELLM, TaskExplore', section: '5.2' },
  { pkg: 'glam-tiny', path: 'LLM4RL / Policy', studies: 'GLAM, InstructRL', section: '5.3' },
  { pkg: 'saycan-tiny', path: 'RL+LLM / without language feedback', studies: 'SayCan, Plan4MC', section: '6.1' },
  { pkg: 'par-tiny', path: 'RL+LLM / with language feedback', studies: 'Planner-Actor-Reporter, Inner Monologue', section: '6.2' },
];

/** The tree path of a leaf package; throws for a name that is not a leaf of the tree. */
export function taxonomyOf(pkg: string): string {
  const e = TAXONOMY.find((t) => t.pkg === pkg);
  if (!e) throw new Error(`${pkg} is not a leaf of the taxonomy tree (core/src/taxonomy.ts lists ${TAXONOMY.map((t) => t.pkg).join(', ')})`);
  return e.path;
}
