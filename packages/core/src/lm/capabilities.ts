/**
 * What a language model can do, and the check every leaf runs on it right after loading — before
 * any training or scoring — so that a model that cannot serve a role fails in one line that names
 * the flag, the role, what is missing and the fix, not with a stack trace later.
 *
 *   generate   text continuation (`generate` / `generateDetailed`)
 *   logProb    scoring continuations given a prompt (`logProb`)
 *   embed      sentence vectors (`embed`)
 *   allow      the token-level constraint of `generate` (`GenerateOptions.allow`), which needs the
 *              model's whole next-token distribution at every step
 *
 * Every backend fills `info.capabilities` when it loads the model, and `info.unavailable` with why
 * each missing capability is missing and how to get it (one clause each); requireRole reads both.
 */
import { UserError } from '../config.ts';

export type Capability = 'generate' | 'logProb' | 'embed' | 'allow';

export type Capabilities = Record<Capability, boolean>;

/** What each capability is for, as the error message names it. */
const WHAT: Record<Capability, string> = {
  generate: 'text generation',
  logProb: 'scoring (log-probabilities of continuations)',
  embed: 'embeddings',
  allow: 'token-level constrained generation (`allow`)',
};

export interface RoleNeeds {
  /** The flag that named the model, e.g. '--model', '--feedback-model'. */
  flag: string;
  /** Who uses the model, as a reader would say it: "SayCan's planner". */
  role: string;
  needs: Capability[];
  /** Fewest tokens per sequence (prompt + continuation) the role works with. */
  minContext?: number;
}

/** The part of a loaded model requireRole reads (LanguageModel['info'] has it). */
export interface ModelAbilities {
  name: string;
  contextLength: number;
  capabilities: Capabilities;
  unavailable?: Partial<Record<Capability, string>>;
}

/**
 * Throw a one-line UserError unless `lm` can do everything `role` needs. Call it where the leaf
 * loads the model, before any work:
 *
 *   const lm = await loadLanguageModel(ctx.model);
 *   requireRole(lm, { flag: '--model', role: "SayCan's planner", needs: ['logProb'] });
 */
export function requireRole(lm: { info: ModelAbilities }, role: RoleNeeds): void {
  const { info } = lm;
  for (const need of role.needs) {
    if (info.capabilities[need]) continue;
    const why = info.unavailable?.[need] ?? `${info.name} does not offer it`;
    throw new UserError(`${role.flag} ${info.name}: ${role.role} needs ${WHAT[need]}, which this model cannot do (${why})`);
  }
  if (role.minContext !== undefined && info.contextLength < role.minContext) {
    throw new UserError(
      `${role.flag} ${info.name}: ${role.role} needs a context of at least ${role.minContext} tokens, this model has ${info.contextLength}. Fix: pass a model with a longer context`,
    );
  }
}
