/**
 * The taxonomy tree (Pternea et al. 2024, Fig. 1; its names live in core's taxonomy.ts) and the
 * package that implements each leaf. A leaf is "built" when its module resolves; the showcase loads it by name at run time (npm
 * workspaces link every package into node_modules/@rlllm/), so a leaf that does not exist yet is
 * listed as "not built" rather than breaking the build or the run.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TAXONOMY } from '@rlllm/core/taxonomy';

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

export const LEAVES: LeafEntry[] = TAXONOMY.map((t) => ({ pkg: t.pkg, taxonomy: t.path, studies: t.studies, section: t.section }));

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
