#!/usr/bin/env bash
# bench/gpu/run.sh — run ON THE GPU MACHINE (device tool: command "bash bench/gpu/run.sh", carry [".gpu"],
# timeout_s 540), after bench/gpu/prepare.sh here. Needs only the NVIDIA driver there (and python3 with numpy and
# torch for the data and the cuBLAS reference, which that machine's image has). Writes $OUT/gpu-results.txt:
#   1. the gpu-tagged tests' checks (GpuChecks: copies, a PTX kernel, the error word, the JIT log of bad PTX)
#      and the device-to-device copy bandwidth;
#   2. dlogistic 4000x4000 f64, state on the device (256 MB moved per call) -> GB/s, against the copy;
#   3. logistic regression at N=100,000, --repeat 1000, on the GPU and on the CPU (wall time);
#   4. f32 matmul 4096^2 on the GPU (txc) against PyTorch's cuBLAS.
# Each part is bounded by `timeout`, so one that hangs or fails leaves the others' figures. Record what ran and the
# figures in bench/RESULTS.md (which card gave them).
set -uo pipefail
root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." && pwd)
g=$root/.gpu
OUT=${OUT:-$root/bench/gpu/out}
mkdir -p "$OUT"
log=$OUT/gpu-results.txt
java=("$g/jdk/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx16g)
txc() { "${java[@]}" -cp "$g/lib/*" dev.txc.driver.Main "$@"; }
work=$(mktemp -d)
section() { printf '\n== %s\n' "$*"; }
secs() { local t0=$1; echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

{
    section "machine"
    date -u
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 | head -3
    "$g/jdk/bin/java" -version 2>&1 | head -1

    section "1. gpu checks (the gpu-tagged tests' checks) and copy bandwidth"
    timeout 120 "${java[@]}" -cp "$g/test-classes:$g/lib/*" dev.txc.runtime.cuda.GpuChecks || echo "FAILED (exit $?)"

    section "2. dlogistic 4000x4000 f64 on the GPU, x and y resident (256 MB moved per call)"
    timeout 120 txc bench bench/gpu/dlogistic.tx --fn step --device cuda --calls 30 --warmup 5 || echo "FAILED (exit $?)"
    echo "(GB/s = 0.256 / median seconds; compare with the device-to-device copy above)"
    section "2b. the same on the CPU (16 cores)"
    timeout 120 txc bench bench/gpu/dlogistic.tx --fn step --device cpu --calls 5 --warmup 2 || echo "FAILED (exit $?)"

    section "3. logistic regression, N=100000 x 5 features, --repeat 1000"
    mkdir -p "$work/data"
    python3 - "$work/data" <<'PY' || echo "FAILED to generate data"
import sys, numpy as np
r = np.random.default_rng(7)
x = r.standard_normal((100000, 5))
w = np.array([1.0, -2.0, 0.5, 0.0, 3.0])
y = (x @ w + 0.5 * r.standard_normal(100000) > 0).astype(np.float64)
np.save(sys.argv[1] + "/x.npy", x); np.save(sys.argv[1] + "/y.npy", y)
PY
    cp "$root/examples/logistic.tx" "$work/logistic.tx"
    for d in cuda cpu; do
        t0=$(date +%s%N)
        timeout 180 txc run "$work/logistic.tx" --fn train --repeat 1000 --device "$d" || echo "FAILED (exit $?)"
        echo "--device $d: $(secs "$t0") wall for 1000 steps (start-up and compilation included)"
    done

    section "4. f32 matmul 4096^2: txc on the GPU"
    timeout 120 txc bench bench/gpu/matmul.tx --fn mm --device cuda --calls 10 --warmup 3 || echo "FAILED (exit $?)"
    echo "(TFLOP/s = 0.137 / median seconds)"
    section "4b. PyTorch (cuBLAS) f32 matmul 4096^2, TF32 off"
    timeout 120 python3 - <<'PY' || echo "FAILED (exit $?)"
import torch
torch.backends.cuda.matmul.allow_tf32 = False
a = torch.randn(4096, 4096, device="cuda"); b = torch.randn(4096, 4096, device="cuda")
for _ in range(3): a @ b
torch.cuda.synchronize()
s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
ts = []
for _ in range(10):
    s.record(); a @ b; e.record(); torch.cuda.synchronize(); ts.append(s.elapsed_time(e))
ts.sort(); m = ts[len(ts) // 2]
print(f"torch f32 matmul 4096^2: median {m:.3f} ms, {2 * 4096**3 / m / 1e9:.1f} TFLOP/s")
PY
} 2>&1 | tee "$log"
rm -rf "$work"
