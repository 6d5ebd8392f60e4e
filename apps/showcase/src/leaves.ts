/**
 * The taxonomy tree (Pternea et al. 2024, Fig. 1; its names live in core's taxonomy.ts) and the
 * package that implements each leaf. A leaf is "built" when its module resolves; the showcase loads it by name at run time (npm
 * workspaces link every package into node_modules/@rlllm/), so a leaf that does not exist yet is
 * listed as "not built" rather than breaking the build or the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The file a workspace package's "." export (its import or default condition, else "main") names, if that file exists. */
function entryFileExists(pkgDir: string): boolean {
  let pkg: { exports?: unknown; main?: string };
  try {
    pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return false;
  }
  const exp = (pkg.exports && typeof pkg.exports === 'object' && '.' in pkg.exports ? (pkg.exports as Record<string, unknown>)['.'] : pkg.exports) as unknown;
  const conds = exp && typeof exp === 'object' ? (exp as Record<string, unknown>) : {};
  const entry = typeof exp === 'string' ? exp : typeof conds.import === 'string' ? conds.import : typeof conds.default === 'string' ? conds.default : (pkg.main ?? 'index.js');
  return existsSync(join(pkgDir, entry));
}

/**
 * Is the leaf's module there? Resolution only — nothing is imported (importing may be slow).
 * `packages` is where workspace packages live (the repo's packages/; tests pass another).
 */
export function isBuilt(e: LeafEntry, packages = packagesDir): boolean {
  try {
    require.resolve(moduleOf(e));
    return true;
  } catch {
    // A package whose "exports" has only an "import" condition does not resolve for require();
    // the workspace folder is then the evidence — with the file its entry names.
    return e.module === undefined && entryFileExists(join(packages, e.pkg));
  }
}
