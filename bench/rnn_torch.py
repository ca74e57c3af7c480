#!/usr/bin/env python3
"""PyTorch autograd peer of dev.txc.bench.RnnBench: h_t = tanh(W @ h + U @ x_t), loss = sum(hs * w), gradients
with respect to W, U and h0; hidden 64, input 64, batch 32, 100 steps; the same LCG inputs as RnnBench, so the
printed gradient sums must agree with txc's. Usage: python3 bench/rnn_torch.py [--dtype f32|f64] [--calls N] [--threads N]"""
import argparse, time
import numpy as np
import torch

H, I, B, T = 64, 64, 32, 100

def lcg(n):
    out = np.empty(n)
    st = 12345
    mask = (1 << 64) - 1
    for i in range(n):
        st = (st * 6364136223846793005 + 1442695040888963407) & mask
        out[i] = ((st >> 11) * (1.0 / 9007199254740992.0)) * 12.0 - 6.0
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dtype", default="f32")
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    dt = torch.float32 if a.dtype == "f32" else torch.float64
    shapes = [(H, H), (H, I), (T, I, B), (H, B), (T, H, B)]
    scale = [0.1 / 6, 0.1 / 6, 1 / 6, 1 / 6, 1 / 6]
    u = lcg(sum(int(np.prod(s)) for s in shapes))
    vals, at = [], 0
    for s, c in zip(shapes, scale):
        n = int(np.prod(s))
        vals.append(torch.tensor((u[at:at + n] * c).reshape(s), dtype=dt))
        at += n
    W0, U0, xs, h00, w = vals

    def step():
        W = W0.clone().requires_grad_(); U = U0.clone().requires_grad_(); h0 = h00.clone().requires_grad_()
        h, hs = h0, []
        for t in range(T):
            h = torch.tanh(W @ h + U @ xs[t])
            hs.append(h)
        loss = (torch.stack(hs) * w).sum()
        loss.backward()
        return W.grad, U.grad, h0.grad

    for _ in range(a.warmup):
        g = step()
    ms = []
    cpu0 = time.process_time()
    for _ in range(a.calls):
        t0 = time.perf_counter()
        g = step()
        ms.append((time.perf_counter() - t0) * 1e3)
    # Process CPU time (all threads), as a mean over the calls like RnnBench's, is less disturbed than wall time on a
    # shared machine.
    cpu = (time.process_time() - cpu0) * 1e3 / a.calls
    ms.sort()
    print(f"torch {torch.__version__} rnn {a.dtype} H={H} I={I} B={B} T={T} forward+backward: median {ms[len(ms) // 2]:.2f} ms, "
          f"min {ms[0]:.2f}, max {ms[-1]:.2f}; process CPU time {cpu:.2f} ms per call "
          f"({a.calls} calls after {a.warmup} warm-up, {torch.get_num_threads()} threads)")
    for name, v in zip(["dW", "dU", "dh0"], g):
        print(f"  sum({name}) = {v.double().sum().item():.6e}")

if __name__ == "__main__":
    main()
