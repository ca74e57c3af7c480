#!/usr/bin/env python3
"""NumPy's side of bench/linalg.sh: the same rows as dev.txc.bench.LinalgBench, printed as `name<TAB>median_ms<TAB>min_ms`.

The logistic step is the hand-derived one of ../shared/bench-peers/bench_py.py (`logreg_large`); each row: 3 warm-up
calls, then R timed calls.  Usage: python3 bench/linalg_numpy.py [--reps R] [WORKLOAD...]  (logreg gemv matmul small)
"""
import sys
import time

import numpy as np

from peers import logreg_step


def row(name, reps, fn):
    for _ in range(3):
        fn()
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    print(f"{name}\t{ms[len(ms) // 2]:.3f}\t{ms[0]:.3f}", flush=True)


def main():
    args = sys.argv[1:]
    reps = 7
    if "--reps" in args:
        i = args.index("--reps")
        reps = int(args[i + 1])
        del args[i:i + 2]
    work = args or ["logreg", "gemv", "matmul", "small"]
    rng = np.random.default_rng(0)
    n, f = 100000, 100
    x = rng.standard_normal((n, f))
    y = rng.integers(0, 2, n).astype(np.float64)
    for wl in work:
        if wl == "logreg":
            step = logreg_step(x, y, 0.01 * rng.standard_normal(f))
            row("logreg step N=100000,F=100 f64", reps, step)
        elif wl == "gemv":
            w = rng.standard_normal(f)
            g = rng.standard_normal(n)
            row("gemv x@w N=100000,F=100 f64", reps, lambda: x @ w)
            row("gemv x.T@g N=100000,F=100 f64", reps, lambda: x.T @ g)
        elif wl == "matmul":
            for s in (1024, 2048):
                for dt in (np.float64, np.float32):
                    a = rng.standard_normal((s, s)).astype(dt)
                    b = rng.standard_normal((s, s)).astype(dt)
                    row(f"matmul {s}x{s} {np.dtype(dt).name.replace('float', 'f')}", max(3, reps // 2) if s > 1024 else reps,
                        lambda: a @ b)
        elif wl == "small":
            a = rng.standard_normal((32, 64))
            b = rng.standard_normal((64, 64))
            row("matmul 32x64@64x64 f64 (x1000)", reps, lambda: [a @ b for _ in range(1000)])
        else:
            raise SystemExit(f"unknown workload {wl}")


if __name__ == "__main__":
    main()
