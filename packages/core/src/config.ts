/**
 * Config helpers: a zod object schema is the single source of truth for a program's settings.
 * From it we derive CLI flags (`lrStart` → `--lr-start`), `--help`, and one-line errors that name
 * the field and say how to fix it. Every config, flag and user file goes through `parseConfig`.
 *
 * The leaf CLI contract (docs/architecture.md): `[--quick|--full] [--seed N | --seeds N] [--workers N] [--trainer ort|tfjs]
 * [--model SPEC] [--out DIR] [--config FILE.json]`, plus one flag per schema field.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { TRAINERS, type TrainerName } from './trainer.ts';

/** An error the user caused (bad flag, config, file): printed as one line, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
}

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** The language-model spec forms (lm/languageModel.ts resolves them), as `--help` and errors list them. */
export const MODEL_SPEC_FORMS =
  '"default", "rlllm/tiny-coder", another baked model rlllm/NAME (e.g. rlllm/tiny-gpt-v1), a local HF-layout folder, a hub id org/name, a GGUF file path/to/model.gguf (llama.cpp), or openai:URL#MODEL (an OpenAI-compatible server, e.g. vLLM; API key from OPENAI_API_KEY)';

interface FieldInfo {
  key: string;
  flag: string;
  kind: 'number' | 'boolean' | 'string' | 'enum' | 'array' | 'other';
  description?: string;
  defaultValue?: unknown;
  choices?: string[];
  optional: boolean;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

// zod 4 exposes its definition tree at `.def`; we only walk wrappers to find the base type.
function fieldInfo(key: string, schema: z.ZodType): FieldInfo {
  let s = schema as unknown as { def: Record<string, unknown>; description?: string };
  const info: FieldInfo = { key, flag: '--' + kebab(key), kind: 'other', optional: false, description: s.description };
  for (let depth = 0; depth < 8; depth++) {
    const type = s.def.type as string;
    if (type === 'default') {
      // The outermost default is the one that applies (a leaf may re-default an algorithm's field).
      if (info.defaultValue === undefined) info.defaultValue = (s.def as { defaultValue: unknown }).defaultValue;
      info.optional = true;
    } else if (type === 'optional' || type === 'nullable') {
      info.optional = true;
    } else break;
    s = s.def.innerType as typeof s;
    info.description ??= s.description;
  }
  const type = s.def.type as string;
  if (type === 'number' || type === 'int') info.kind = 'number';
  else if (type === 'boolean') info.kind = 'boolean';
  else if (type === 'string') info.kind = 'string';
  else if (type === 'enum') {
    info.kind = 'enum';
    info.choices = Object.values(s.def.entries as Record<string, string>);
  } else if (type === 'array') info.kind = 'array';
  return info;
}

export function describeFields(schema: AnyObject): FieldInfo[] {
  return Object.entries(schema.shape).map(([k, v]) => fieldInfo(k, v as z.ZodType));
}

/** Turn the first zod issue into one line: `<where> field "<path>": <problem>. Fix: <how>.` */
export function formatZodError(err: z.ZodError, where: string, schema?: AnyObject): string {
  const issue = err.issues[0]!;
  const path = issue.path.join('.') || '(root)';
  const top = String(issue.path[0] ?? '');
  const info = schema && top in schema.shape ? fieldInfo(top, schema.shape[top] as z.ZodType) : undefined;
  let fix = '';
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as unknown as { keys: string[] }).keys;
    fix = `remove ${keys.map((k) => `"${k}"`).join(', ')}${schema ? `; known fields: ${Object.keys(schema.shape).join(', ')}` : ''}`;
    return `${where}: unknown field ${keys.map((k) => `"${k}"`).join(', ')}. Fix: ${fix}.`;
  }
  if (info?.choices) fix = `use one of ${info.choices.join(', ')}`;
  else if (info?.defaultValue !== undefined) fix = `give a valid value (default ${JSON.stringify(info.defaultValue)})`;
  else fix = 'give a valid value';
  const flagHint = info && where.startsWith('flag') ? ` (${info.flag})` : '';
  return `${where} field "${path}"${flagHint}: ${issue.message}. Fix: ${fix}.`;
}

/** Validate `value` against `schema`; throw a one-line UserError naming the field on failure. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, where = 'config'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new UserError(formatZodError(r.error, where, schema instanceof z.ZodObject ? (schema as AnyObject) : undefined));
}

/** Read and validate a JSON file the user hands in. */
export function readJsonFile<S extends z.ZodType>(schema: S, file: string, what = 'file'): z.infer<S> {
  if (!existsSync(file)) throw new UserError(`${what} "${file}" does not exist. Fix: pass the path of an existing JSON file.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${what} "${file}" is not valid JSON (${(e as Error).message.split('\n')[0]}). Fix: correct the JSON syntax.`);
  }
  return parseConfig(schema, raw, `${what} "${file}"`);
}

export interface CliSpec<S extends AnyObject> {
  /** Program name, e.g. "saycan-tiny". */
  name: string;
  description: string;
  schema: S;
  /** Named presets (`quick`, `full`): partial configs applied before flags. The first is the default. */
  presets: Record<string, Partial<z.input<S>>>;
  /** Extra flags that are not config fields (already consumed flags are ignored here). */
  extraFlags?: Record<string, string>;
  /** The language model used without --model, if the program's default is not "default". */
  defaultModel?: string;
  /** The leaf's variants under a config (listed in --help with their roles). */
  variants?: (config: z.infer<S>) => { name: string; role: string; about: string }[];
}

export interface CliResult<S extends AnyObject> {
  config: z.infer<S>;
  preset: string;
  seeds: number[];
  model?: string;
  out?: string;
  /** Worker processes for the seeds (--workers; undefined = the default, one per core). */
  workers?: number;
  /** The training backend (--trainer; undefined = the default, 'ort'; trainer.ts). */
  trainer?: TrainerName;
  /** Extra flags given (name without dashes → string value or "true"). */
  extra: Record<string, string>;
}

export function helpText<S extends AnyObject>(spec: CliSpec<S>): string {
  const presetNames = Object.keys(spec.presets);
  const lines = [
    `${spec.name} — ${spec.description}`,
    '',
    `usage: ${spec.name} [${presetNames.map((p) => '--' + p).join('|')}] [--seed N | --seeds N] [--workers N] [--trainer ort|tfjs] [--model SPEC] [--out DIR] [--config FILE.json] [flags]`,
    '',
    'common flags:',
    `  ${presetNames.map((p) => '--' + p).join(', ').padEnd(26)} preset (default --${presetNames[0]})`,
    '  --seed N                   run one seed (default 1)',
    '  --seeds N                  run seeds 1..N and report mean and 95% CI',
    '  --workers N                worker processes for the seeds (default: one per core; same numbers for any N)',
    '  --trainer ort|tfjs         training backend: onnxruntime (default) or tfjs, the reference',
    `  --model SPEC               language model: ${MODEL_SPEC_FORMS}${spec.defaultModel ? ` (default ${spec.defaultModel})` : ''}`,
    '  --out DIR                  where report.json and events.jsonl go',
    '  --config FILE.json         config fields from a JSON file (flags override it)',
    '  --help                     this text',
  ];
  for (const [flag, desc] of Object.entries(spec.extraFlags ?? {})) lines.push(`  ${flag.padEnd(26)} ${desc}`);
  if (spec.variants) {
    // The variants of the default preset's config (some presets add optional ones).
    const cfg = spec.schema.parse(spec.presets[presetNames[0]!] ?? {});
    lines.push('', `variants (--${presetNames[0]}):`);
    for (const v of spec.variants(cfg)) lines.push(`  ${v.name.padEnd(30)} ${v.role.padEnd(11)} ${v.about}`);
  }
  lines.push('', 'config fields:');
  for (const f of describeFields(spec.schema)) {
    const type = f.kind === 'enum' ? f.choices!.join('|') : f.kind;
    const def = f.defaultValue !== undefined ? ` (default ${JSON.stringify(f.defaultValue)})` : '';
    const presetVals = presetNames
      .filter((p) => (spec.presets[p] as Record<string, unknown>)[f.key] !== undefined)
      .map((p) => `${p}: ${JSON.stringify((spec.presets[p] as Record<string, unknown>)[f.key])}`);
    lines.push(`  ${(f.flag + ' ' + type).padEnd(26)} ${f.description ?? ''}${def}${presetVals.length ? ` [${presetVals.join(', ')}]` : ''}`);
  }
  return lines.join('\n');
}

function coerce(info: FieldInfo, raw: string): unknown {
  if (info.kind === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (info.kind === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  if (info.kind === 'array') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  return raw;
}

/**
 * Parse argv into a validated config. Throws UserError (one line) on anything wrong; returns
 * null after printing help for `--help`.
 */
export function parseCli<S extends AnyObject>(spec: CliSpec<S>, argv: string[] = process.argv.slice(2)): CliResult<S> | null {
  const fields = new Map(describeFields(spec.schema).map((f) => [f.flag, f]));
  const presetNames = Object.keys(spec.presets);
  let preset = presetNames[0]!;
  let presetFlag: string | undefined;
  let workers: number | undefined;
  let trainer: TrainerName | undefined;
  let seed: number | undefined;
  let nSeeds: number | undefined;
  let model: string | undefined;
  let out: string | undefined;
  let configFile: string | undefined;
  const overrides: Record<string, unknown> = {};
  const extra: Record<string, string> = {};

  const intArg = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min)
      throw new UserError(`flag ${flag}: expected an integer ≥ ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}. Fix: ${flag} ${Math.max(min, 1)}.`);
    return n;
  };

  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && !/^--?\d/.test(v)))
        throw new UserError(`flag ${arg} needs a value. Fix: ${arg} <value> (see --help).`);
      i++;
      return v;
    };
    if (arg === '--help' || arg === '-h') {
      console.log(helpText(spec));
      return null;
    }
    if (presetNames.includes(arg.slice(2)) && arg.startsWith('--')) {
      if (presetFlag !== undefined && presetFlag !== arg) throw new UserError(`flags ${presetFlag} and ${arg} both given. Fix: use one of them.`);
      presetFlag = arg;
      preset = arg.slice(2);
    } else if (arg === '--seed') seed = intArg(arg, next(), 0);
    else if (arg === '--workers') workers = intArg(arg, next(), 1);
    else if (arg === '--trainer') {
      const v = next();
      if (!(TRAINERS as readonly string[]).includes(v)) throw new UserError(`flag --trainer: expected ${TRAINERS.join(' or ')}, got ${JSON.stringify(v)}. Fix: --trainer ort (the default) or --trainer tfjs.`);
      trainer = v as TrainerName;
    }
    else if (arg === '--seeds') nSeeds = intArg(arg, next(), 1);
    else if (arg === '--model') model = next();
    else if (arg === '--out') out = next();
    else if (arg === '--config') configFile = next();
    else if (fields.has(arg)) {
      const f = fields.get(arg)!;
      overrides[f.key] = f.kind === 'boolean' && inline === undefined && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) ? true : coerce(f, next());
    } else if (spec.extraFlags && arg in spec.extraFlags) {
      const v = argv[i + 1];
      extra[arg.slice(2)] = inline ?? (v !== undefined && !v.startsWith('--') ? (i++, v) : 'true');
    } else {
      throw new UserError(`unknown flag ${JSON.stringify(arg)}. Fix: remove it; ${spec.name} --help lists the flags.`);
    }
  }
  if (seed !== undefined && nSeeds !== undefined) throw new UserError('flags --seed and --seeds both given. Fix: use one of them.');

  let fromFile: Record<string, unknown> = {};
  if (configFile) fromFile = readJsonFile(spec.schema.partial().strict(), configFile, 'config file') as Record<string, unknown>;
  // Validate flags alone first so an error names the flag rather than the merged config.
  parseConfig(spec.schema.partial().strict(), overrides, 'flag');
  const config = parseConfig(spec.schema.strict(), { ...spec.presets[preset], ...fromFile, ...overrides }, `config (--${preset})`) as z.infer<S>;
  const seeds = nSeeds !== undefined ? Array.from({ length: nSeeds }, (_, k) => k + 1) : [seed ?? 1];
  return { config, preset, seeds, model, out, workers, trainer, extra };
}

/**
 * Run a CLI main: user errors print one line and exit 2; a failed experiment variant prints one line
 * and exits 1; anything else prints the stack and exits 1. Keeps every program's failure behaviour identical.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    // A variant of an experiment failed (experiment.ts VariantFailure): one line; its stack is in events.jsonl.
    if ((e as Error)?.name === 'VariantFailure') {
      process.stderr.write(`error: ${(e as Error).message} (the stack is in the run's events.jsonl)\n`);
      process.exit(1);
    }
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  }
}

type Prefixed<P extends string, T extends z.ZodRawShape> = { [K in keyof T & string as `${P}${Capitalize<K>}`]: T[K] };

/**
 * An algorithm's config fields under a prefix (`learningRate` → `ppoLearningRate`), each with its
 * type, default and description: how a leaf takes an algorithm's settings into its own config
 * without declaring them again, even when it holds two algorithms with a `learningRate` each.
 * `.pick` the fields first; a leaf that wants another default overrides just that field.
 */
export function prefixed<P extends string, T extends z.ZodRawShape>(prefix: P, schema: z.ZodObject<T>): Prefixed<P, T> {
  return Object.fromEntries(Object.entries(schema.shape).map(([k, v]) => [prefix + k[0]!.toUpperCase() + k.slice(1), v])) as Prefixed<P, T>;
}

/** The fields of `config` that `prefixed(prefix, schema)` made, under the algorithm's own names. */
export function unprefixed<T extends z.ZodRawShape>(prefix: string, schema: z.ZodObject<T>, config: Record<string, unknown>): { [K in keyof T]: z.infer<T[K]> } {
  return Object.fromEntries(Object.keys(schema.shape).map((k) => [k, config[prefix + k[0]!.toUpperCase() + k.slice(1)]])) as { [K in keyof T]: z.infer<T[K]> };
}

/**
 * The same fields with other defaults (description and constraints kept): a leaf that takes an
 * algorithm's field but needs another default for its task says so here, once.
 */
export function withDefaults<T extends z.ZodRawShape>(shape: T, defaults: { [K in keyof T]?: z.infer<T[K]> }): T {
  const out: Record<string, unknown> = { ...shape };
  for (const [k, v] of Object.entries(defaults)) {
    const f = shape[k] as z.ZodType | undefined;
    if (!f) throw new Error(`withDefaults: no field "${k}"`);
    const d = (f as unknown as { description?: string }).description;
    const re = (f as unknown as { default(v: unknown): z.ZodType }).default(v);
    out[k] = d ? re.describe(d) : re;
  }
  return out as unknown as T;
}
