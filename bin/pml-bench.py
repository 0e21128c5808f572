#!/usr/bin/env python3
"""The reference's side of `dml4j bench losses`: times the same cases with an installed pytorch-metric-learning.

Speed targets are "<= 0.7 x the reference", and both sides' times depend on the machine, so compare them on one
machine, in turns:

    pip install torch pytorch-metric-learning        # or any torch >= 1.13 plus PML 2.x
    python3 bin/pml-bench.py --threads 2 --case proxy_nca,arcface,normalized_softmax
    DML4J_THREADS=2 ./dml4j bench losses --case proxy_nca,arcface,normalized_softmax

Same batch as `dml4j bench losses`: 256 x 128 L2-normalised float32 Gaussian rows, 4 per class (64 classes), labels
i // 4, proxy losses with num_classes = 64 and embedding_size = 128, every other parameter at its default (miners as
in dml4j's cases). A step is forward + backward with the gradients cleared afterwards; each case warms up for at
least --warmup-seconds, then prints '<case> <median ms>' over --reps steps. The case cosine_floor (normalise batch
and 64 proxies, multiply, back-propagate) is run only when named. This file holds no code of the reference library.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

try:
    from pytorch_metric_learning import losses, miners
except ImportError:
    sys.exit("pml-bench: pytorch-metric-learning is not installed (pip install pytorch-metric-learning)")


def cases(num_classes, dim):
    """(name, loss factory, miner factory or None), in dml4j's order."""
    proxy = dict(num_classes=num_classes, embedding_size=dim)
    return [
        ("contrastive", lambda: losses.ContrastiveLoss(), None),
        ("triplet_all", lambda: losses.TripletMarginLoss(), None),
        ("triplet_semihard_miner", lambda: losses.TripletMarginLoss(margin=0.2),
         lambda: miners.TripletMarginMiner(margin=0.2, type_of_triplets="semihard")),
        ("triplet_batchhard", lambda: losses.TripletMarginLoss(margin=0.2), lambda: miners.BatchHardMiner()),
        ("multi_similarity_miner", lambda: losses.MultiSimilarityLoss(),
         lambda: miners.MultiSimilarityMiner(epsilon=0.1)),
        ("ntxent", lambda: losses.NTXentLoss(), None),
        ("circle", lambda: losses.CircleLoss(), None),
        ("fastap", lambda: losses.FastAPLoss(), None),
        ("proxy_anchor", lambda: losses.ProxyAnchorLoss(**proxy), None),
        ("proxy_nca", lambda: losses.ProxyNCALoss(**proxy), None),
        ("soft_triple", lambda: losses.SoftTripleLoss(**proxy), None),
        ("arcface", lambda: losses.ArcFaceLoss(**proxy), None),
        ("normalized_softmax", lambda: losses.NormalizedSoftmaxLoss(**proxy), None),
    ]


def synthetic(n, d, seed):
    """L2-normalised Gaussian rows [n, d] in float32 (normalised in float64, as dml4j does)."""
    g = torch.Generator().manual_seed(seed)
    v = torch.randn(n, d, generator=g, dtype=torch.float64)
    return (v / v.norm(dim=1, keepdim=True)).float()


def median_ms(step, reps, warmup_seconds):
    """Median of `reps` timed calls of step() in ms, after at least warmup_seconds and max(3, reps / 4) calls."""
    warm, until, i = max(3, reps // 4), time.perf_counter() + warmup_seconds, 0
    while i < warm or time.perf_counter() < until:
        step()
        i += 1
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1, as dml4j)")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--per-class", type=int, default=4)
    ap.add_argument("--reps", type=int, default=20, help="timed steps per case (default 20, as dml4j)")
    ap.add_argument("--warmup-seconds", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--case", default=None, help="comma-separated cases (default: all; cosine_floor only if named)")
    a = ap.parse_args()
    if a.batch % a.per_class:
        sys.exit(f"pml-bench: --batch {a.batch} is not a multiple of --per-class {a.per_class}")
    torch.set_num_threads(a.threads)
    n, d = a.batch, a.dim
    c = n // a.per_class
    only = set(a.case.split(",")) if a.case else None
    import pytorch_metric_learning as pml
    print(f"pml-bench: torch {torch.__version__}, pytorch-metric-learning {pml.__version__}, "
          f"{torch.get_num_threads()} thread(s), batch {n} x {d}, {a.per_class} per class, median of {a.reps} "
          f"steps after >= {a.warmup_seconds} s warm-up", file=sys.stderr)
    x = synthetic(n, d, a.seed).requires_grad_(True)
    labels = torch.arange(n) // a.per_class
    if only is not None and "cosine_floor" in only:
        p = synthetic(c, d, a.seed + 1).requires_grad_(True)

        def floor_step():
            (F.normalize(x, dim=1) @ F.normalize(p, dim=1).t()).sum().backward()
            x.grad = None
            p.grad = None
        print(f"cosine_floor {median_ms(floor_step, a.reps, a.warmup_seconds):.3f}", flush=True)
    for name, make_loss, make_miner in cases(c, d):
        if only is not None and name not in only:
            continue
        loss, miner = make_loss(), (make_miner() if make_miner else None)
        params = list(loss.parameters())

        def step():
            tuples = miner(x, labels) if miner else None
            loss(x, labels, tuples).backward()
            x.grad = None
            for q in params:
                q.grad = None
        print(f"{name} {median_ms(step, a.reps, a.warmup_seconds):.3f}", flush=True)


if __name__ == "__main__":
    main()
