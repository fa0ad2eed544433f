#!/usr/bin/python3
"""Compare `./tessera bench engine --json` with `bench/torch_engine_bench.py --json` (the last JSON line of each).

Usage: /usr/bin/python3 bench/compare.py tessera.json torch.json
For rate keys (gflops) the ratio is Tessera/PyTorch; for time keys (_ms) it is PyTorch/Tessera, so > 1 always means
Tessera is faster.
"""
import json
import sys


def last_json(path):
    with open(path) as f:
        lines = [line for line in f.read().splitlines() if line.strip().startswith("{")]
    if not lines:
        sys.exit(f"compare: no JSON object in {path}")
    return json.loads(lines[-1])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py TESSERA.json TORCH.json")
    tess, torch = last_json(sys.argv[1]), last_json(sys.argv[2])
    print(f"{'key':34s} {'tessera':>10s} {'pytorch':>10s} {'speed ratio':>12s}")
    for key in tess:
        if key not in torch or not isinstance(tess[key], (int, float)) or key.startswith("load"):
            continue
        t, p = float(tess[key]), float(torch[key])
        if t <= 0 or p <= 0:
            continue
        ratio = p / t if key.endswith("_ms") or "_ms_" in key else t / p
        print(f"{key:34s} {t:10.1f} {p:10.1f} {ratio:11.2f}x")
    print(f"load average: tessera {tess.get('load_avg_1m_start')}..{tess.get('load_avg_1m_end')}, "
          f"pytorch {torch.get('load_avg_1m')}")


if __name__ == "__main__":
    main()
