/**
 * The taxonomy tree (Pternea et al. 2024, Fig. 1) and the package that implements each leaf.
 * A leaf is "built" when its package exists in the workspace; the showcase loads it by name at
 * run time, so a missing leaf is listed as not built rather than breaking the build.
 */
export interface LeafEntry {
  pkg: string;
  taxonomy: string;
  studies: string;
  section: string;
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
