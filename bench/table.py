#!/usr/bin/env python3
"""bench/run's table: the rows it collected (SYSTEM, workload, size, dtype, median ms, fastest ms per line) and the
machine's limits, as one markdown table. Usage: python3 bench/table.py ROWS.tsv LIMITS.tsv"""
import collections, re, statistics, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    system, wl, size, dt, med, mn = line.rstrip("\n").split("\t")
    rows.setdefault((wl, size, dt), collections.defaultdict(list))[system].append((float(med), float(mn)))
lim = dict(l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)
bw = float(lim["bw_gbs"]) * 1e9 if "bw_gbs" in lim else None
peak = {d: float(lim[f"peak_{d}"]) * 1e9 for d in ("f64", "f32") if f"peak_{d}" in lim}
GOALS = {("dlogistic", "C"): 0.8, ("dlogistic", "numpy"): 8, ("matmul", "numpy"): 0.8, ("logreg_tiny", "numpy"): 20,
         ("logreg_large", "numpy"): 1.7, ("hvp", "numpy"): 1, ("mlp", "torch"): 1.5, ("startup", "numpy"): 0.47}
PEER = {"C": "C -ffast-math, 2 threads", "numpy": "NumPy", "torch": "PyTorch autograd"}

def floor_s(wl, size, dt):
    """Seconds the work needs at the machine's limit: bytes over the STREAM bandwidth or flops over the FMA peak."""
    n = [int(v) for v in re.findall(r"\d+", size)]
    width = 4 if dt.startswith("f32") else 8
    if wl == "dlogistic" and bw: return 2 * width * n[0] * n[1] / bw, "read x, write g"
    if wl == "matmul" and dt in peak: return 2 * n[0] ** 3 / peak[dt], "2n³ flops"
    if wl == "logreg_large" and bw: return 8 * n[0] * n[1] / bw, "one read of X"
    if wl == "hvp" and bw: return 2 * 8 * n[0] ** 2 / bw, "two reads of W"
    if wl == "mlp" and "f64" in peak: return 6 * n[0] * (64 * 32 + 32 * 10) / peak["f64"], "6B(64·32+32·10) flops"
    return None, ""

print("| workload | size | dtype | txc median ms (fastest) | peer | peer median ms (fastest) | peer / txc | goal | txc / limit (limit) |")
print("|---|---|---|---:|---|---:|---:|---:|---|")
for (wl, size, dt), by in rows.items():
    if "txc" not in by: continue
    t = statistics.median(m for m, _ in by["txc"]); tmin = min(n for _, n in by["txc"])
    fl, what = floor_s(wl, size, dt)
    limit = f"{t / (fl * 1e3):.1f}x ({fl * 1e3:.3g} ms: {what})" if fl else "–"
    peers = [p for p in ("C", "numpy", "torch") if p in by] or [None]
    for p in peers:
        if p is None:
            print(f"| {wl} | {size} | {dt} | {t:.4g} ({tmin:.4g}) | – | – | – | – | {limit} |"); continue
        pm = statistics.median(m for m, _ in by[p]); pmin = min(n for _, n in by[p])
        goal = GOALS.get((wl, p))
        print(f"| {wl} | {size} | {dt} | {t:.4g} ({tmin:.4g}) | {PEER[p]} | {pm:.4g} ({pmin:.4g}) | **{pm / t:.2f}** | "
              f"{'≥ ' + str(goal) if goal else '–'} | {limit} |")
