// The glam-tiny bin: the standard leaf CLI (see @rlllm/core leaf.ts).
import { leafMain } from '@rlllm/core';
import { leaf } from './leaf.ts';

await leafMain(leaf);
