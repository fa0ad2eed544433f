#!/usr/bin/python3
"""PyTorch reference for `./tessera bench engine`: the same SGEMM, attention, conv3d and DiT-block workloads, timed
the same way (median of several runs after warm-up, wall clock), on 1 thread and on all threads.

Run with Debian's python3-torch:  /usr/bin/python3 bench/torch_engine_bench.py [--json] [--threads N]
The last line is one JSON object with keys matching `./tessera bench engine --json` (sgemm_gflops_1t_2048,
attention_gflops_1t, conv3d_gflops_1t, dit_block_ms_1t, ... and the _all variants).

Thread counts: each count runs in its own process with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS set
before torch loads, plus torch.set_num_threads, because Debian's torch calls the system OpenBLAS (pthreads), whose
pool size is fixed when the library loads. An OPENBLAS_CORETYPE inherited from the environment is dropped so OpenBLAS
picks its kernels for the CPU (--openblas-coretype forces one): the development sandbox exports
OPENBLAS_CORETYPE=Haswell, which holds OpenBLAS to AVX2 — 2048³ on one thread ~75–105 GFLOP/s there against ~190 with
the AVX-512 kernels it detects itself (Cooperlake on the AMD Zen 5 host of the thirteenth session).
"""
import argparse
import json
import os
import subprocess
import sys
import time


def bench(threads):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    res = {}

    cpu = {}

    def median_ms(fn, reps, warmup=2):
        """Median wall ms; also leaves the median CPU ms of this thread in cpu["ms"] (meaningful on 1 thread, where
        all the work runs on the calling thread, and robust to other processes taking the core)."""
        for _ in range(warmup):
            fn()
        ts, cs = [], []
        for _ in range(reps):
            c0, t0 = time.thread_time(), time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t0) * 1e3)
            cs.append((time.thread_time() - c0) * 1e3)
        ts.sort()
        cs.sort()
        cpu["ms"] = cs[len(cs) // 2]
        return ts[len(ts) // 2]

    def cpu_key(key, value):
        if threads == 1:
            res[key] = round(value, 1)

    def progress(what):
        print(f"torch bench ({threads} threads): {what}", file=sys.stderr, flush=True)

    # SGEMM
    for key, (m, n, k) in {"512": (512, 512, 512), "1024": (1024, 1024, 1024), "2048": (2048, 2048, 2048),
                           "4096x384x1536": (4096, 1536, 384)}.items():
        progress(f"sgemm {key}")
        a, b = torch.rand(m, k) - 0.5, torch.rand(k, n) - 0.5
        c = torch.empty(m, n)
        ms = median_ms(lambda: torch.mm(a, b, out=c), 3 if m >= 2048 else 5)
        res[f"sgemm_gflops_{{t}}_{key}"] = round(2.0 * m * n * k / ms / 1e6, 1)
        cpu_key(f"sgemm_cpu_gflops_1t_{key}", 2.0 * m * n * k / cpu["ms"] / 1e6)

    # attention forward + backward. torch 1.13 has no fused scaled_dot_product_attention (added in 2.0), so this is
    # the eager formulation that materialises the N×N probabilities, as a model written for this torch would.
    heads, dh = 6, 64
    for n in (1024, 4096):
        progress(f"attention seq {n}")
        q, k, v = (torch.randn(1, heads, n, dh, requires_grad=True) for _ in range(3))
        g = torch.randn(1, heads, n, dh)
        scale = dh ** -0.5

        def att():
            for t in (q, k, v):
                t.grad = None
            p = torch.softmax((q @ k.transpose(-1, -2)) * scale, dim=-1)
            (p @ v).backward(g)

        ms = median_ms(att, 3 if n >= 4096 else 5)
        flops = 14.0 * heads * n * n * dh  # forward 4·N²·D, backward 10·N²·D (same count as Tessera's)
        res["attention_gflops_{t}" + ("" if n == 1024 else f"_{n}")] = round(flops / ms / 1e6, 1)
        cpu_key("attention_cpu_gflops_1t" + ("" if n == 1024 else f"_{n}"), flops / cpu["ms"] / 1e6)

    # conv3d forward + backward, causal time padding 2+0, spatial padding 1: [1,128,5,32,32] * [128,128,3,3,3]
    # (key without suffix) and the VAE's full-resolution layer [1,16,5,128,128] * [16,16,3,3,3] (_vae_full)
    for c, hw, key in ((128, 32, ""), (16, 128, "_vae_full")):
        progress("conv3d" + key)
        x = torch.randn(1, c, 5, hw, hw, requires_grad=True)
        w = (torch.randn(c, c, 3, 3, 3) * 0.02).requires_grad_()
        bias = torch.zeros(c, requires_grad=True)
        dy = torch.randn(1, c, 5, hw, hw)

        def conv():
            for t in (x, w, bias):
                t.grad = None
            y = F.conv3d(F.pad(x, (0, 0, 0, 0, 2, 0)), w, bias, padding=(0, 1, 1))
            y.backward(dy)

        ms = median_ms(conv, 3)
        flops = 3 * 2.0 * c * 5 * hw * hw * c * 27
        res["conv3d_gflops_{t}" + key] = round(flops / ms / 1e6, 1)
        res["conv3d_ms_{t}" + key] = round(ms, 1)
        cpu_key("conv3d_cpu_gflops_1t" + key, flops / cpu["ms"] / 1e6)

    # DiT block forward + backward (same structure as EngineBench.DitBlock)
    progress("DiT block")
    dim, nh, tokens = 384, 6, 1024

    def lin(o, i):
        return torch.nn.Linear(i, o)

    class DitBlock(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ada, self.qkv, self.proj = lin(6 * dim, dim), lin(3 * dim, dim), lin(dim, dim)
            self.cq, self.ckv, self.cproj = lin(dim, dim), lin(2 * dim, dim), lin(dim, dim)
            self.fc1, self.fc2 = lin(4 * dim, dim), lin(dim, 4 * dim)

        @staticmethod
        def attend(q, k, v):
            p = torch.softmax((q @ k.transpose(-1, -2)) * (q.shape[-1] ** -0.5), dim=-1)
            return p @ v

        def forward(self, x, c, ctx):
            B, N, D = x.shape
            L = ctx.shape[1]
            sm, cm, gm, sp, cp, gp = self.ada(F.silu(c)).unsqueeze(1).chunk(6, dim=2)
            h = F.layer_norm(x, (D,), eps=1e-6) * (1 + cm) + sm
            q, k, v = self.qkv(h).reshape(B, N, 3, nh, D // nh).permute(2, 0, 3, 1, 4)
            a = self.attend(q, k, v).transpose(1, 2).reshape(B, N, D)
            x = x + gm * self.proj(a)
            q = self.cq(F.layer_norm(x, (D,), eps=1e-6)).reshape(B, N, nh, D // nh).transpose(1, 2)
            k, v = self.ckv(ctx).reshape(B, L, 2, nh, D // nh).permute(2, 0, 3, 1, 4)
            x = x + self.cproj(self.attend(q, k, v).transpose(1, 2).reshape(B, N, D))
            h = F.layer_norm(x, (D,), eps=1e-6) * (1 + cp) + sp
            return x + gp * self.fc2(F.gelu(self.fc1(h), approximate="tanh"))

    blk = DitBlock()
    x = torch.randn(1, tokens, dim, requires_grad=True)
    c = torch.randn(1, dim, requires_grad=True)
    ctx = torch.randn(1, 32, dim, requires_grad=True)

    def dit():
        blk.zero_grad(set_to_none=True)
        for t in (x, c, ctx):
            t.grad = None
        blk(x, c, ctx).sum().backward()

    res["dit_block_ms_{t}"] = round(median_ms(dit, 5), 1)
    cpu_key("dit_block_cpu_ms_1t", cpu["ms"])
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="end with one JSON object on the last line")
    ap.add_argument("--threads", type=int, help="run one thread count in this process (internal)")
    ap.add_argument("--openblas-coretype", help="force this OpenBLAS kernel set (default: OpenBLAS detects the CPU)")
    args = ap.parse_args()
    if args.threads:
        print(json.dumps(bench(args.threads)))
        return
    cores = os.cpu_count() or 1
    out = {"torch_threads_all": cores}
    coretype = args.openblas_coretype
    out["openblas_coretype"] = coretype or "detected"
    for tag, n in (("1t", 1), ("all", cores)):
        env = dict(os.environ, OMP_NUM_THREADS=str(n), OPENBLAS_NUM_THREADS=str(n), MKL_NUM_THREADS=str(n))
        if coretype:
            env["OPENBLAS_CORETYPE"] = coretype
        else:
            env.pop("OPENBLAS_CORETYPE", None)
        r = subprocess.run([sys.executable, __file__, "--threads", str(n)], env=env, check=True,
                           stdout=subprocess.PIPE, text=True)
        for key, val in json.loads(r.stdout.strip().splitlines()[-1]).items():
            out[key.replace("{t}", tag)] = val  # Tessera's names: sgemm_gflops_1t_2048, dit_block_ms_all, ...
    try:
        out["load_avg_1m"] = float(open("/proc/loadavg").read().split()[0])
    except OSError:
        pass
    import torch
    out["torch_version"] = torch.__version__
    for k, v in out.items():
        print(f"{k:34s} {v}")
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
