/**
 * `npm run showcase`: runs every built leaf of the tree, prints the summary table and writes
 * DIR/results.json and DIR/index.html. Flags are parsed by core's parseCli (the same parser every
 * leaf CLI uses), so errors are one line and exit 2.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseCli, runMain } from '@rlllm/core/config';
import { LEAVES } from './leaves.ts';
import { showcaseSummary } from './render/table.ts';
import { DEFAULT_TIMEOUT_SECONDS, runShowcase } from './run.ts';

const HELP = `showcase — runs every leaf of the RL/LLM Taxonomy Tree and shows what each synergy does

usage: npm run showcase -- [--quick|--full] [--seeds N | --seed N] [--only a,b] [--model SPEC]
                           [--out DIR] [--timeout-per-leaf SECONDS]

  --quick, --full            each leaf's preset (default --quick)
  --seeds N                  run every leaf over seeds 1..N (mean and 95% CI); default: each leaf's default (seed 1)
  --seed N                   run every leaf with seed N only
  --only a,b                 run only these leaves (${LEAVES.map((l) => l.pkg).join(', ')})
  --model SPEC               language model for every leaf: "default", a local HF-layout folder, or a hub id
  --out DIR                  output folder (default runs/<timestamp>)
  --timeout-per-leaf SECONDS a leaf running longer is stopped and recorded as failed
                             (default ${DEFAULT_TIMEOUT_SECONDS.quick} with --quick, ${DEFAULT_TIMEOUT_SECONDS.full} with --full)
  --help                     this text

writes DIR/<leaf>/{report.json,events.jsonl,showcase.log}, DIR/results.json and DIR/index.html;
exits 1 if any leaf failed. With --quick the summary and the page lead with the shipped reference
(full runs, apps/showcase/reference/); with --full your own numbers lead.`;

const schema = z.object({
  only: z.array(z.string()).default([]).describe('run only these leaves'),
  timeoutPerLeaf: z.number().positive().optional().describe('seconds before a leaf is stopped'),
});

export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const cli = parseCli({ name: 'showcase', description: 'runs every leaf', schema, presets: { quick: {}, full: {} } }, argv)!;
  // parseCli answers [1] when no seed flag is given; the showcase then leaves the choice to each leaf.
  const seedsGiven = argv.some((a) => /^--seeds?(=|$)/.test(a));
  // npm runs workspace scripts inside apps/showcase; relative paths mean the caller's directory.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const out = resolve(cwd, cli.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-')));
  console.log('rlllm-tree showcase — the RL/LLM Taxonomy Tree (Pternea et al. 2024), leaf by leaf');
  if (cli.preset === 'quick') console.log('--quick: smoke-test budgets; the reference verdict from full runs is printed at the end.');
  const res = await runShowcase({
    preset: cli.preset as 'quick' | 'full',
    seeds: seedsGiven ? cli.seeds : undefined,
    only: cli.config.only.length ? cli.config.only : undefined,
    model: cli.model,
    out,
    timeoutPerLeafSeconds: cli.config.timeoutPerLeaf,
  });
  console.log('\n' + showcaseSummary(res));
  console.log(`\n${res.seconds.toFixed(1)} s in all. Wrote ${join(out, 'results.json')} and ${join(out, 'index.html')}`);
  if (res.leaves.some((l) => l.status === 'failed')) process.exitCode = 1;
}

await runMain(() => main(process.argv.slice(2)));
