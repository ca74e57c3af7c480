#!/usr/bin/env python3
"""The peers' side of bench/run: the rows of dev.txc.bench.Suite in NumPy (and PyTorch where torch is importable),
printed as `SYSTEM<TAB>workload<TAB>size<TAB>dtype<TAB>median_ms<TAB>min_ms`.

The programs are the hand-written ones of ../shared/bench-peers/bench_py.py (dlogistic naive, matmul, the logistic
step with hand-derived gradients, the Hessian-vector product with 3 GEMV), plus the MLP train step through torch
autograd (2 threads, as the issue's table says). Each row: warm-up for --warmup seconds (at least 3 calls), then R
samples, each timing enough back-to-back calls to last about 20 ms; the median and fastest sample per call.

Usage: python3 bench/peers.py [--reps R] [--quick] [--no-torch] [--only-torch] [WORKLOAD...]
"""
import argparse
import sys
import time

import numpy as np

try:
    import torch
except ImportError:
    torch = None

SIZES = {
    "dlogistic": [500, 1000, 2000, 4000], "matmul": [256, 512, 1024, 2048], "logreg_tiny": [10, 100, 1000, 10000],
    "logreg_large": [12500, 25000, 50000, 100000], "hvp": [250, 500, 1000, 2000], "mlp": [128, 512, 1797, 8192],
}
OPTS = None


def timed(system, wl, size, dt, fn):
    t0 = time.perf_counter()
    one, k = float("inf"), 0
    while k < 3 or time.perf_counter() - t0 < OPTS.warmup:
        s = time.perf_counter()
        fn()
        one = min(one, time.perf_counter() - s)
        k += 1
    inner = max(1, min(1_000_000, int(0.02 / max(one, 1e-9))))
    ms = []
    for _ in range(OPTS.reps):
        s = time.perf_counter()
        for _ in range(inner):
            fn()
        ms.append((time.perf_counter() - s) * 1e3 / inner)
    ms.sort()
    print(f"{system}\t{wl}\t{size}\t{dt}\t{ms[len(ms) // 2]:.6f}\t{ms[0]:.6f}", flush=True)


def dlogistic(n, rng, np_on):
    x64 = rng.uniform(-6, 6, (n, n))
    for dt in (np.float64, np.float32):
        x = x64.astype(dt)

        def naive():
            s = 1 / (1 + np.exp(-x))
            return s * (1 - s)

        t, g = np.empty_like(x), np.empty_like(x)

        def inplace():  # bench_py.py's in-place ufuncs: NumPy's out= against txc's callInto and the C loop
            np.negative(x, out=t)
            np.exp(t, out=t)
            np.add(t, 1, out=t)
            np.reciprocal(t, out=t)
            np.subtract(1, t, out=g)
            np.multiply(g, t, out=g)
            return g

        if np_on:
            name = np.dtype(dt).name.replace("float", "f")
            timed("numpy", "dlogistic", f"{n}x{n}", name, naive)
            timed("numpy", "dlogistic", f"{n}x{n}", name + " out=", inplace)


def matmul(n, rng, np_on):
    for dt in (np.float64, np.float32):
        a = rng.standard_normal((n, n)).astype(dt)
        b = rng.standard_normal((n, n)).astype(dt)
        if np_on:
            timed("numpy", "matmul", f"{n}x{n}", np.dtype(dt).name.replace("float", "f"), lambda: a @ b)


def logreg_step(x, y, w0):
    """The logistic train step with hand-derived gradients (bench_py.py's), over state starting at w0 and b = 0."""
    n = x.shape[0]
    st = {"w": w0, "b": 0.0}
    lr = 0.1

    def step():
        w, b = st["w"], st["b"]
        p = 1 / (1 + np.exp(-(x @ w) - b))
        xent = -y * np.log(p) - (1 - y) * np.log(1 - p)
        cost = xent.mean() + 0.01 * (w ** 2).sum()
        gz = (p - y) / n
        gw = x.T @ gz + 0.02 * w
        gb = gz.sum()
        st["w"] = w - lr * gw
        st["b"] = b - lr * gb
        return cost

    return step


def logreg(wl, n, rng, np_on):
    f = 3 if wl == "logreg_tiny" else 100
    x = rng.standard_normal((n, f))
    y = rng.integers(0, 2, n).astype(np.float64)
    step = logreg_step(x, y, 0.01 * rng.standard_normal(f))
    if np_on:
        timed("numpy", wl, f"N={n},F={f}", "f64", step)


def hvp(n, rng, np_on):
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)
    v = rng.standard_normal(n)

    def hv():
        t = np.tanh(W @ x)
        d2 = 2 * (1 - t * t) * (1 - 3 * t * t)
        return W.T @ (d2 * (W @ v))

    if np_on:
        timed("numpy", "hvp", f"W {n}x{n}", "f64", hv)
    if torch is not None:
        tW, tx, tv = torch.from_numpy(W), torch.from_numpy(x), torch.from_numpy(v)

        def double_backward():
            xx = tx.detach().requires_grad_(True)
            g, = torch.autograd.grad(torch.tanh(tW @ xx).pow(2).sum(), xx, create_graph=True)
            return torch.autograd.grad(g, xx, grad_outputs=tv)[0]

        timed("torch", "hvp", f"W {n}x{n}", "f64", double_backward)


def mlp(b, rng, np_on):
    if torch is None:
        return
    X = torch.from_numpy(rng.standard_normal((b, 64)))
    lab = torch.from_numpy(rng.integers(0, 10, b))
    ps = [torch.from_numpy(0.1 * rng.standard_normal((64, 32))), torch.zeros(32, dtype=torch.float64),
          torch.from_numpy(0.1 * rng.standard_normal((32, 10))), torch.zeros(10, dtype=torch.float64)]
    for p in ps:
        p.requires_grad_(True)
    W1, b1, W2, b2 = ps

    def step():
        loss = torch.nn.functional.cross_entropy(torch.tanh(X @ W1 + b1) @ W2 + b2, lab)
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p.sub_(0.1 * p.grad)
                p.grad = None
        return loss

    timed("torch", "mlp", f"B={b},64-32-10", "f64", step)


def main():
    global OPTS, torch
    ap = argparse.ArgumentParser()
    ap.add_argument("workloads", nargs="*")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--only-torch", action="store_true", help="torch rows only (another python runs the NumPy rows)")
    OPTS = ap.parse_args()
    if OPTS.no_torch:
        torch = None
    if torch is not None:
        torch.set_num_threads(2)
    np_on = not OPTS.only_torch
    for wl in OPTS.workloads or list(SIZES):
        if wl not in SIZES:
            sys.exit(f"peers.py: unknown workload {wl} ({' '.join(SIZES)})")
        for n in SIZES[wl][:2] if OPTS.quick else SIZES[wl]:
            rng = np.random.default_rng(n)
            if wl in ("logreg_tiny", "logreg_large"):
                logreg(wl, n, rng, np_on)
            else:
                globals()[wl](n, rng, np_on)


if __name__ == "__main__":
    main()
