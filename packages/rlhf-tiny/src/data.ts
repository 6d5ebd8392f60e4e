/**
 * The shipped "human" data (data/*.jsonl, written by `npm run data`, see makeData.ts) and its
 * loader. Every file a user hands in (`--data DIR`) is validated line by line with zod; a bad line
 * is a one-line UserError naming the file, the line and the field.
 *
 *   demonstrations.jsonl        {"topic", "prompt", "response"}           labeler-written answers
 *   comparisons.jsonl           {"topic", "prompt", "chosen", "rejected"} labels on model samples, train prompts
 *   comparisons-heldout.jsonl   same, on held-out prompts (only to measure the reward model)
 *
 * A response that ended (the model emitted EOS) ends with the literal "<|endoftext|>".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { encodeResponse, UserError, type Comparison, type Demonstration, type LmTokenizer } from '@rlllm/core';

export const EOS_TEXT = '<|endoftext|>';

export const DemonstrationLine = z.object({ topic: z.string().min(1), prompt: z.string().min(1), response: z.string().min(1) }).strict();
export const ComparisonLine = z.object({ topic: z.string().min(1), prompt: z.string().min(1), chosen: z.string(), rejected: z.string() }).strict();
export type DemonstrationLine = z.infer<typeof DemonstrationLine>;
export type ComparisonLine = z.infer<typeof ComparisonLine>;

export function shippedDataDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
}

export function readJsonl<S extends z.ZodType>(file: string, schema: S): z.infer<S>[] {
  if (!existsSync(file)) throw new UserError(`${file}: file not found; pass --data a folder with demonstrations.jsonl, comparisons.jsonl and comparisons-heldout.jsonl`);
  const out: z.infer<S>[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${i + 1}: not valid JSON; each line must be one JSON object`);
    }
    const r = schema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new UserError(`${file}:${i + 1}: field "${issue.path.join('.') || '(line)'}": ${issue.message}`);
    }
    out.push(r.data);
  });
  if (out.length === 0) throw new UserError(`${file}: no lines; it needs at least one JSON object per line`);
  return out;
}

/** A response as the data files write it → ids: a trailing "<|endoftext|>" is the EOS token (core's encodeResponse). */
export function encodeResponseText(tok: LmTokenizer, text: string): number[] {
  const finished = text.endsWith(EOS_TEXT);
  return encodeResponse(tok, { text: finished ? text.slice(0, -EOS_TEXT.length) : text, finished });
}

export interface HumanData {
  demonstrations: (Demonstration & { topic: string })[];
  comparisons: (Comparison & { topic: string })[];
  heldoutComparisons: (Comparison & { topic: string })[];
}

export function loadHumanData(dir: string, tok: LmTokenizer): HumanData {
  const demos = readJsonl(path.join(dir, 'demonstrations.jsonl'), DemonstrationLine);
  const comp = (f: string) =>
    readJsonl(path.join(dir, f), ComparisonLine).map((c) => ({
      topic: c.topic,
      prompt: tok.encode(c.prompt),
      chosen: encodeResponseText(tok, c.chosen),
      rejected: encodeResponseText(tok, c.rejected),
    }));
  return {
    demonstrations: demos.map((d) => ({ topic: d.topic, prompt: tok.encode(d.prompt), response: encodeResponseText(tok, d.response) })),
    comparisons: comp('comparisons.jsonl'),
    heldoutComparisons: comp('comparisons-heldout.jsonl'),
  };
}
