#!/usr/bin/env python3
"""The PyTorch side of Secateur's benchmarks: the same workloads as `secateur bench`, printed as one flat JSON object
with the same keys, so that run_peers.sh can divide one by the other.

Run it through run_peers.sh, which chooses the BLAS build and the thread settings; on its own:
    OMP_NUM_THREADS=1 python3 torch_bench.py --threads 1 [--epochs 3] [--data /usr/share/datasets/fashion-mnist]
"""
import argparse
import gzip
import json
import os
import platform
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530          # Normalization.FASHION_MNIST in Secateur


def best_time(fn, min_time=0.3, repeats=5):
    """Best seconds per call of fn over `repeats` timed rounds of at least min_time each (after a warm-up round)."""
    fn()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t
        if dt >= min_time / 4:
            break
        n *= 2
    n = max(1, int(n * (min_time / 4) / max(dt, 1e-9)) * 4)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def lenet300100():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                         nn.Linear(100, 10))


def lenet5():
    # Secateur's Models.lenet5: conv 5x5 (6, padding 2) - ReLU - max-pool 2 - conv 5x5 (16) - ReLU - max-pool 2 -
    # 400-120-84-10 with ReLU
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def gemm(results, quick):
    sizes = [128, 256, 512, 1024] + ([] if quick else [2048])
    shapes = [(f"gemm_{s}", s, s, s, False) for s in sizes]
    # LeNet-300-100's layers at batch 128: A B, and x W^T as the forward computes them (W stored [out, in])
    shapes += [("gemm_lenet_fc1", 128, 300, 784, False), ("gemm_lenet_fc2", 128, 100, 300, False),
               ("gemm_lenet_fc1_nt", 128, 300, 784, True), ("gemm_lenet_fc2_nt", 128, 100, 300, True)]
    for name, m, n, k, nt in shapes:
        a = torch.randn(m, k)
        b = torch.randn(n, k).t() if nt else torch.randn(k, n)
        c = torch.empty(m, n)
        t = best_time(lambda: torch.mm(a, b, out=c), min_time=0.2 if quick else 0.5)
        results[name + "_gflops"] = 2.0 * m * n * k / t / 1e9


def conv_layers(results, quick):
    x1 = torch.randn(128, 1, 28, 28)
    w1 = torch.randn(6, 1, 5, 5)
    b1 = torch.randn(6)
    x2 = torch.randn(128, 6, 14, 14)
    w2 = torch.randn(16, 6, 5, 5)
    b2 = torch.randn(16)
    t1 = best_time(lambda: F.conv2d(x1, w1, b1, padding=2), min_time=0.2)
    t2 = best_time(lambda: F.conv2d(x2, w2, b2), min_time=0.2)
    results["conv_lenet5_conv1_ms"] = t1 * 1e3
    results["conv_lenet5_conv1_gflops"] = 2.0 * 128 * 6 * 25 * 784 / t1 / 1e9
    results["conv_lenet5_conv2_ms"] = t2 * 1e3
    results["conv_lenet5_conv2_gflops"] = 2.0 * 128 * 16 * 150 * 100 / t2 / 1e9
    # forward and backward of each layer (input gradient for conv2 only, as in training)
    x1g = x1.clone()
    w1g = w1.clone().requires_grad_(True)
    x2g = x2.clone().requires_grad_(True)
    w2g = w2.clone().requires_grad_(True)

    def fb1():
        F.conv2d(x1g, w1g, None, padding=2).sum().backward()

    def fb2():
        F.conv2d(x2g, w2g, None).sum().backward()

    results["conv_lenet5_conv1_train_ms"] = best_time(fb1, min_time=0.2) * 1e3
    results["conv_lenet5_conv2_train_ms"] = best_time(fb2, min_time=0.2) * 1e3


def train_steps(results, quick):
    torch.manual_seed(1)
    for name, make in (("lenet300100", lenet300100), ("lenet5", lenet5)):
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        xs = [torch.randn(128, 1, 28, 28) for _ in range(8)]
        ys = [torch.randint(0, 10, (128,)) for _ in range(8)]
        state = {"i": 0}

        def step():
            i = state["i"] = (state["i"] + 1) % 8
            opt.zero_grad()
            F.cross_entropy(model(xs[i]), ys[i]).backward()
            opt.step()

        t = best_time(step, min_time=0.3 if quick else 1.0)
        results[f"train_{name}_step_ms"] = t * 1e3
        results[f"train_{name}_images_per_s"] = 128 / t
        model.eval()
        xb = torch.randn(256, 1, 28, 28)
        with torch.no_grad():
            t = best_time(lambda: model(xb), min_time=0.3 if quick else 1.0)
        results[f"infer_{name}_images_per_s"] = 256 / t


def hvp(results, quick):
    torch.manual_seed(1)
    model = lenet300100()
    params = list(model.parameters())
    x = torch.randn(1024, 1, 28, 28)
    y = torch.randint(0, 10, (1024,))
    v = [torch.randn_like(p) for p in params]

    def grad():
        torch.autograd.grad(F.cross_entropy(model(x), y), params)

    def hessian_vector():
        g = torch.autograd.grad(F.cross_entropy(model(x), y), params, create_graph=True)
        gv = sum((gi * vi).sum() for gi, vi in zip(g, v))
        torch.autograd.grad(gv, params)

    tg = best_time(grad, min_time=0.3 if quick else 1.0)
    th = best_time(hessian_vector, min_time=0.3 if quick else 1.0)
    results["hvp_lenet300100_grad_ms"] = tg * 1e3
    results["hvp_lenet300100_hvp_ms"] = th * 1e3
    results["hvp_lenet300100_ratio"] = th / tg


def epochs(results, data_dir, count):
    images = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))
    x_all = ((torch.from_numpy(images.astype(np.float32)) / 255.0 - MEAN) / STD).reshape(-1, 1, 28, 28)
    y_all = torch.from_numpy(labels.astype(np.int64))
    n = x_all.shape[0]
    for name, make in (("lenet300100", lenet300100), ("lenet5", lenet5)):
        torch.manual_seed(1)
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
        times = []
        for e in range(count):
            g = torch.Generator().manual_seed(e)
            perm = torch.randperm(n, generator=g)
            t = time.perf_counter()
            for i in range(0, n, 128):
                idx = perm[i:i + 128]
                opt.zero_grad()
                F.cross_entropy(model(x_all[idx]), y_all[idx]).backward()
                opt.step()
            times.append(time.perf_counter() - t)
        results[f"epoch_{name}_first_s"] = times[0]
        results[f"epoch_{name}_s"] = min(times)


def blas_loaded():
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and line.split()[-1].startswith("/")})
    return libs


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--epochs", type=int, default=0)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--only", default="", help="comma-separated sections: gemm,conv,train,hvp,epochs")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    results = {"engine": f"pytorch {torch.__version__}", "threads": a.threads,
               "blas": ";".join(blas_loaded()), "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
               "machine": platform.processor() or platform.machine()}
    sections = set(filter(None, a.only.split(","))) or {"gemm", "conv", "train", "hvp", "epochs"}
    if "gemm" in sections:
        gemm(results, a.quick)
    if "conv" in sections:
        conv_layers(results, a.quick)
    if "train" in sections:
        train_steps(results, a.quick)
    if "hvp" in sections:
        hvp(results, a.quick)
    if "epochs" in sections and a.epochs > 0:
        epochs(results, a.data, a.epochs)
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
