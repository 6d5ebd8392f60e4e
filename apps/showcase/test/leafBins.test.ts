/**
 * Every leaf's bin, as a new user runs it, through the same list of bad inputs: each must end with
 * one line on stderr naming what is wrong and the fix, exit code 2, and no report.json — checked
 * before any expensive work. Then every leaf that only *uses* a language model runs --quick (with
 * small budgets) on a foreign causal model, karpathy's stories260K (a Llama with another tokenizer
 * and hidden size), from ../shared/models.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LEAVES } from '../src/leaves.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shared = join(root, '..', 'shared', 'models');
const glove = join(shared, 'glove', 'glove-6B-50d-5k-static');
const stories = join(shared, 'karpathy', 'stories260K');
const tmp = mkdtempSync(join(tmpdir(), 'leaf-bins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const aFile = join(tmp, 'a-file');
writeFileSync(aFile, 'not a folder');

const bin = (pkg: string) => join(root, 'packages', pkg, 'bin', `${pkg}.js`);
const run = (pkg: string, args: string[]) => spawnSync(process.execPath, [bin(pkg), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

/** Leaves whose LM is only used (scored, sampled, embedded), never trained. */
const INFERENCE_ONLY = ['saycan-tiny', 'ellm-tiny', 'eureka-tiny', 'rlprompt-tiny', 'par-tiny'];

const BAD: [string, (out: string) => string[], RegExp][] = [
  ['an unknown flag', (out) => ['--bogus', '--out', out], /unknown flag "--bogus"/],
  ['--quick and --full together', (out) => ['--quick', '--full', '--out', out], /--quick and --full both given/],
  ['--seeds 0', (out) => ['--seeds', '0', '--out', out], /--seeds: expected an integer ≥ 1/],
  ['--out under a file', () => ['--quick', '--out', join(aFile, 'sub')], /--out .*is a file/],
  ['--out that is a file', () => ['--quick', '--out', aFile], /--out .*is a file/],
  ['a missing --config file', (out) => ['--config', join(tmp, 'nope.json'), '--out', out], /config file ".*nope\.json" does not exist/],
  ['a missing --model folder', (out) => ['--quick', '--model', join(tmp, 'no-model'), '--out', out], /--model/],
  ['an encoder-only --model (GloVe static embeddings)', (out) => ['--quick', '--model', glove, '--out', out], /--model .*(needs (scoring|text generation)|not a GPT-2 config)/],
];

describe('every leaf bin answers bad input in one line, exit 2, no report', () => {
  for (const leaf of LEAVES) {
    it(leaf.pkg, () => {
      expect.assertions(BAD.length * 4);
      for (const [what, args, message] of BAD) {
        const out = join(tmp, `${leaf.pkg}-${what.replace(/\W+/g, '-')}`);
        const r = run(leaf.pkg, args(out));
        const errors = r.stderr.trim().split('\n').filter((l) => l.length > 0);
        expect(r.status, `${leaf.pkg}: ${what}: ${r.stderr}`).toBe(2);
        expect(errors, `${leaf.pkg}: ${what}`).toHaveLength(1);
        expect(errors[0], `${leaf.pkg}: ${what}`).toMatch(new RegExp(`^error: .*${message.source}`));
        expect(existsSync(join(out, 'report.json')), `${leaf.pkg}: ${what}`).toBe(false);
      }
    });
  }
});

describe('every inference-only leaf runs --quick on a foreign causal model (stories260K)', () => {
  // Small budgets: what is tested is that every role works with another tokenizer and hidden size.
  const small: Record<string, string[]> = {
    'saycan-tiny': ['--skill-episodes', '200'],
    'ellm-tiny': ['--total-steps', '1000', '--learning-starts', '200'],
    'eureka-tiny': ['--iterations', '1', '--samples', '2', '--ppo-total-steps', '1024', '--eval-episodes', '5'],
    'rlprompt-tiny': ['--steps', '2', '--prompts-per-step', '2', '--random-prompts', '1', '--transfer-model', 'none'],
    'par-tiny': ['--actor-episodes', '300', '--reporter-episodes', '5', '--eval-rooms', '2', '--train-rooms', '2', '--pure-rl-steps', '512'],
  };
  for (const pkg of INFERENCE_ONLY) {
    it(pkg, () => {
      const out = join(tmp, `${pkg}-stories`);
      const r = run(pkg, ['--quick', '--model', stories, '--out', out, ...small[pkg]!]);
      expect(r.status, r.stderr.split('\n').slice(-5).join('\n')).toBe(0);
      expect(existsSync(join(out, 'report.json'))).toBe(true);
    });
  }
});
