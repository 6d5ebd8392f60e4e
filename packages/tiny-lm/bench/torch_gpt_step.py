"""
Reference for bench/train-step.ts: one training step of tiny-gpt in PyTorch — the model of
src/model.ts (GPT-2: pre-LN, learned positions, GELU tanh form, tied LM head, 4 layers, d 128,
4 heads, vocabulary 2048, context 128) on a 16 x 128 batch of token ids, mean next-token
cross-entropy, global-norm clipping at 1.0, and AdamW (lr 3e-3, betas 0.9/0.99, decay 0.1 on
matrices only), as src/train.ts trains it.

Run: /usr/bin/python3 torch_gpt_step.py [THREADS,THREADS,...] [REPEATS]   (Debian's python3-torch)
With several thread counts, the steps alternate between them (one step each per round), so a
disturbance from another process hits them alike. Prints one JSON line: per thread count the median
step time over REPEATS timed steps (after 3 warm-up rounds) and the individual times; torch version.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, P, L, H, D = 2048, 128, 4, 4, 128
B, T = 16, 128


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(D, eps=1e-5)
        self.c_attn = nn.Linear(D, 3 * D)
        self.c_proj = nn.Linear(D, D)
        self.ln_2 = nn.LayerNorm(D, eps=1e-5)
        self.c_fc = nn.Linear(D, 4 * D)
        self.mlp_proj = nn.Linear(4 * D, D)
        self.register_buffer("causal", torch.tril(torch.ones(T, T)).view(1, 1, T, T) > 0)

    def forward(self, x):
        q, k, v = self.c_attn(self.ln_1(x)).split(D, dim=2)
        heads = lambda t: t.view(B, T, H, D // H).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D // H))
        att = att.masked_fill(~self.causal, -1e9)
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(B, T, D)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, D)
        self.wpe = nn.Embedding(P, D)
        self.h = nn.ModuleList([Block() for _ in range(L)])
        self.ln_f = nn.LayerNorm(D, eps=1e-5)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()


def main():
    thread_counts = [int(t) for t in sys.argv[1].split(",")] if len(sys.argv) > 1 else [torch.get_num_threads()]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    torch.manual_seed(1)
    model = Gpt()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-3, betas=(0.9, 0.99), eps=1e-8)
    ids = torch.randint(0, V, (B, T))

    def step():
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    times = {n: [] for n in thread_counts}
    for i in range(repeats + 3):
        for n in thread_counts:
            torch.set_num_threads(n)
            t0 = time.perf_counter()
            step()
            if i >= 3:
                times[n].append(time.perf_counter() - t0)
    print(json.dumps({"torch": torch.__version__, "threads": {str(n): {"median_s": statistics.median(t), "times_s": t} for n, t in times.items()}}))


if __name__ == "__main__":
    main()
