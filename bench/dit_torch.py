#!/usr/bin/python3
"""PyTorch twin of Tessera's DiT (same config as a preset) for `./tessera bench generate`: times one sampler-step
forward (CFG batch of 2) and one training step (forward + backward + AdamW, batch 1) on the CPU, same threads.

The architecture mirrors dev.tessera.model.dit: patch embed (Linear on 1x2x2 patches), timestep MLP, y_embedder,
blocks with adaLN-Zero, self-attention with RoPE-3D (half-split pairs), cross-attention to the text context with a
LayerNorm, GELU(tanh) MLP, final adaLN layer. Weights are random: only the time is measured. Reference only — never
product code. Prints one JSON object.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def rope_angles(dh, f, h, w, theta=10000.0):
    p = dh // 2
    ph = pw = p // 3
    pt = p - 2 * (p // 3)
    def freqs(n):
        return 1.0 / (theta ** (torch.arange(n, dtype=torch.float32) / n))
    tt, hh, ww = torch.meshgrid(torch.arange(f), torch.arange(h), torch.arange(w), indexing="ij")
    ang = torch.cat([tt.reshape(-1, 1) * freqs(pt), hh.reshape(-1, 1) * freqs(ph), ww.reshape(-1, 1) * freqs(pw)], dim=1)
    return ang.cos(), ang.sin()  # [N, dh/2]


def apply_rope(x, cs):
    cos, sin = cs
    a, b = x.chunk(2, dim=-1)
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


def sdpa(q, k, v, key_mask=None):
    """softmax(q·kᵀ/√d [masked]) · v — written out because Debian's torch predates F.scaled_dot_product_attention."""
    s = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
    if key_mask is not None:
        s = s.masked_fill(~key_mask, float("-inf"))
    return s.softmax(dim=-1) @ v


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class Block(nn.Module):
    def __init__(self, d, heads, mlp_ratio):
        super().__init__()
        self.h = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d, eps=1e-6)
        self.q = nn.Linear(d, d)
        self.kv = nn.Linear(d, 2 * d)
        self.cproj = nn.Linear(d, d)
        self.fc1 = nn.Linear(d, mlp_ratio * d)
        self.fc2 = nn.Linear(mlp_ratio * d, d)
        self.ada = nn.Linear(d, 6 * d)

    def forward(self, x, c, y, mask, cs):
        B, N, D = x.shape
        L = y.shape[1]
        hd = D // self.h
        sm, scm, gm, sp, scp, gp = self.ada(F.silu(c)).chunk(6, dim=1)
        h = modulate(F.layer_norm(x, (D,), eps=1e-6), sm, scm)
        q, k, v = self.qkv(h).reshape(B, N, 3, self.h, hd).permute(2, 0, 3, 1, 4)
        o = sdpa(apply_rope(q, cs), apply_rope(k, cs), v)
        x = x + gm.unsqueeze(1) * self.proj(o.transpose(1, 2).reshape(B, N, D))
        h = self.norm2(x)
        q = self.q(h).reshape(B, N, self.h, hd).transpose(1, 2)
        k, v = self.kv(y).reshape(B, L, 2, self.h, hd).permute(2, 0, 3, 1, 4)
        o = sdpa(q, k, v, mask[:, None, None, :])
        x = x + self.cproj(o.transpose(1, 2).reshape(B, N, D))
        h = modulate(F.layer_norm(x, (D,), eps=1e-6), sp, scp)
        return x + gp.unsqueeze(1) * self.fc2(F.gelu(self.fc1(h), approximate="tanh"))


class DiT(nn.Module):
    def __init__(self, d, depth, heads, mlp_ratio, c_lat, ctx_dim, pt=1, ps=2):
        super().__init__()
        self.d, self.heads, self.c, self.pt, self.ps = d, heads, c_lat, pt, ps
        self.x_emb = nn.Linear(c_lat * pt * ps * ps, d)
        self.t0 = nn.Linear(256, d)
        self.t2 = nn.Linear(d, d)
        self.y_emb = nn.Linear(ctx_dim, d)
        self.blocks = nn.ModuleList(Block(d, heads, mlp_ratio) for _ in range(depth))
        self.f_ada = nn.Linear(d, 2 * d)
        self.f_lin = nn.Linear(d, c_lat * pt * ps * ps)

    def forward(self, x, t, ctx, mask):
        B, C, Fr, H, W = x.shape
        f, h, w = Fr // self.pt, H // self.ps, W // self.ps
        tok = x.reshape(B, C, f, self.pt, h, self.ps, w, self.ps).permute(0, 2, 4, 6, 1, 3, 5, 7).reshape(B, f * h * w, -1)
        cs = rope_angles(self.d // self.heads, f, h, w)
        half = 128
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        arg = (t * 1000.0)[:, None] * freqs[None]
        c = self.t2(F.silu(self.t0(torch.cat([arg.cos(), arg.sin()], dim=1))))
        y = self.y_emb(ctx)
        z = self.x_emb(tok)
        for b in self.blocks:
            z = b(z, c, y, mask, cs)
        sh, sc = self.f_ada(F.silu(c)).chunk(2, dim=1)
        out = self.f_lin(modulate(F.layer_norm(z, (self.d,), eps=1e-6), sh, sc))
        return out.reshape(B, f, h, w, C, self.pt, self.ps, self.ps).permute(0, 4, 1, 5, 2, 6, 3, 7).reshape(B, C, Fr, H, W)


def median_time(fn, reps):
    fn()  # warm-up
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--mlp-ratio", type=int, default=4)
    ap.add_argument("--latent-channels", type=int, default=8)
    ap.add_argument("--context-dim", type=int, default=256)
    ap.add_argument("--context-len", type=int, default=48)
    ap.add_argument("--latent", default="9,16,16", help="latent frames,height,width")
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    f, h, w = (int(v) for v in a.latent.split(","))
    m = DiT(a.dim, a.depth, a.heads, a.mlp_ratio, a.latent_channels, a.context_dim)
    ctx2 = torch.randn(2, a.context_len, a.context_dim)
    mask2 = torch.ones(2, a.context_len, dtype=torch.bool)
    x2 = torch.randn(2, a.latent_channels, f, h, w)
    t2 = torch.full((2,), 0.5)
    with torch.no_grad():
        fwd = median_time(lambda: m(x2, t2, ctx2, mask2), a.reps)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=0.01)
    x1, ctx1, mask1 = x2[:1], ctx2[:1], mask2[:1]
    target = torch.randn_like(x1)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(m(x1, torch.full((1,), 0.5), ctx1, mask1), target)
        loss.backward()
        opt.step()
    train = median_time(step, a.reps)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "tokens": f * (h // 2) * (w // 2),
                      "forward_seconds": fwd, "train_step_seconds": train}))


if __name__ == "__main__":
    main()
