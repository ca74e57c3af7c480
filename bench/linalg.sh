#!/usr/bin/env bash
# bench/linalg.sh — txc against NumPy on the linear-algebra rows of issue 13, in one run on this machine:
# the logistic step at N=100,000, 100 features (f64), its two GEMVs, square matmul 1024/2048 f64/f32 and a small
# 32x64 @ 64x64 matmul. Rounds alternate txc (LinalgBench) and NumPy (linalg_numpy.py), so both see the same load;
# txc warms up for 4 s per row (kernels switch to their vector loops and the JIT compiles them), NumPy for 3 calls;
# the table gives, per row, the median over rounds of each round's median and NumPy/txc (above 1: txc is faster),
# then the fastest single call of each and their ratio (on a busy shared machine the least disturbed figure).
# Usage: bench/linalg.sh [ROUNDS (default 3)] [WORKLOAD...]     Needs bench/target/benchmarks.jar
#        (mvn -q -B package -Dmaven.test.skip=true -pl bench -am) and python3 with numpy (else txc rows only).
set -euo pipefail
root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
rounds=${1:-3}
shift || true
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
py=${BENCH_PYTHON:-python3}
out=$(mktemp -d)
havenp=1
"$py" -c 'import numpy' 2>/dev/null || { havenp=0; echo "linalg.sh: $py has no numpy: NumPy rows skipped" >&2; }
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
[ $havenp = 1 ] && "$py" -c 'import numpy; c=numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]; print("numpy", numpy.__version__, c["name"], c["version"])' 2>/dev/null || true
for ((r = 1; r <= rounds; r++)); do
    "$java" --add-modules=jdk.incubator.vector -Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages -cp "$root/bench/target/benchmarks.jar" dev.txc.bench.LinalgBench "$@" \
        2> >(grep -v 'incubator modules' >&2) | sed 's/^/txc\t/' >> "$out/rows"
    [ $havenp = 1 ] && "$py" "$root/bench/linalg_numpy.py" "$@" | sed 's/^/numpy\t/' >> "$out/rows"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$out/rows" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
order = []
for line in open(sys.argv[1]):
    sysname, name, med, mn = line.rstrip("\n").split("\t")
    if name not in order: order.append(name)
    rows[name][sysname].append((float(med), float(mn)))
print(f"\n| workload ({sys.argv[2]} rounds) | txc median ms (round medians) | NumPy median ms (round medians) | NumPy / txc | txc min ms | NumPy min ms | NumPy / txc, mins |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in order:
    cell = {}
    for s in ("txc", "numpy"):
        v = rows[name].get(s)
        cell[s] = (statistics.median(m for m, _ in v), [m for m, _ in v], min(n for _, n in v)) if v else None
    fmt = lambda c: f"{c[0]:.2f} ({', '.join(f'{m:.1f}' for m in c[1])})" if c else "–"
    both = cell["txc"] and cell["numpy"]
    ratio = f"{cell['numpy'][0] / cell['txc'][0]:.2f}" if both else "–"
    rmin = f"{cell['numpy'][2] / cell['txc'][2]:.2f}" if both else "–"
    mins = [f"{cell[s][2]:.2f}" if cell[s] else "–" for s in ("txc", "numpy")]
    print(f"| {name} | {fmt(cell['txc'])} | {fmt(cell['numpy'])} | {ratio} | {mins[0]} | {mins[1]} | {rmin} |")
PY
rm -rf "$out"
