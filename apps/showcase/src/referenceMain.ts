/**
 * `npm run reference -w @rlllm/showcase -- --from DIR`: turn full runs into the shipped reference
 * (apps/showcase/reference/<leaf>.json), refusing any run that is not the full preset over several
 * seeds. DIR is a showcase output folder (`npm run showcase -- --full --seeds 5 --out DIR`, which
 * holds DIR/<leaf>/report.json) or a single leaf's run folder; --from may be given several times.
 */
import { relative, resolve } from 'node:path';
import { runMain, UserError } from '@rlllm/core/config';
import { copyReferences, REFERENCE_DIR } from './reference.ts';
import { fmtCi, summarizeReport } from './summary.ts';

const HELP = `reference — ship full runs as the showcase's reference verdict

usage: npm run reference -w @rlllm/showcase -- --from DIR [--from DIR ...] [--out DIR]

  --from DIR   a showcase output folder (DIR/<leaf>/report.json, from npm run showcase -- --full --seeds 5)
               or one leaf's run folder (npx <leaf> --full --seeds 5 --out DIR); its report.json also works
  --out DIR    where to write <leaf>.json (default apps/showcase/reference)
  --help       this text

Each run must be the leaf's full preset (no overrides) over 2 or more seeds, with its events.jsonl
beside its report.json; otherwise nothing is written. Leaves not in DIR keep their reference.`;

export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  // npm runs workspace scripts inside apps/showcase; relative paths mean the caller's directory.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const from: string[] = [];
  let out = REFERENCE_DIR;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag !== '--from' && flag !== '--out') throw new UserError(`unknown flag "${flag}". Fix: use --from DIR [--out DIR] (see --help).`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UserError(`flag ${flag}: expected a folder after it. Fix: ${flag} DIR.`);
    if (flag === '--from') from.push(resolve(cwd, value));
    else out = resolve(cwd, value);
  }
  if (!from.length) throw new UserError('no --from given. Fix: --from DIR, a showcase output folder of a --full --seeds 5 run or one leaf run folder.');
  const res = await copyReferences({ from, out });
  for (const dir of res.without) console.log(`skipped ${dir}: no report.json (the leaf failed or did not run)`);
  // Short paths when under the caller's directory (the usual case: the repo root), else absolute.
  const shown = (f: string) => (relative(cwd, f).startsWith('..') ? f : relative(cwd, f));
  for (const [i, ref] of res.references.entries()) {
    const s = summarizeReport(ref.report);
    console.log(`wrote ${shown(res.written[i]!)}: ${s.method} ${fmtCi(s)} over seeds ${ref.report.seeds.join(',')} — ${ref.command}`);
  }
}

await runMain(() => main(process.argv.slice(2)));
