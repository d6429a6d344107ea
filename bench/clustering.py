"""Benchmark of `detaux_nb.clustering.discover_aux_labels` on 3DShapes-sized codes (480,000 x 10).

Each line times one of our clusterers end to end and, in the same run on the same data, a named baseline:
  kmeans  ours: k chosen by silhouette over k_range (KMeans fits on a 20,000 subsample) + MiniBatchKMeans on all
          baseline: sklearn KMeans(n_clusters=<k we found>) on all points: one plain fit with k already known
  hdbscan ours: HDBSCAN on a seeded 50,000 subsample + every other point assigned by mutual reachability
          baseline: the same sklearn HDBSCAN on the same 50,000 + naive assignment, Euclidean 1-NN label copy
  gmm     ours: components chosen by BIC over k_range on a 20,000 subsample, then labels for all points
          baseline: sklearn GaussianMixture(n_components=<k we found>) fitted on all points
ratio = ours / baseline (below 1: ours is faster). Targets (issue 5): kmeans < 60 s, hdbscan < 120 s.

Neighbour searches use n_jobs = OMP_NUM_THREADS on both sides:  OMP_NUM_THREADS=2 python bench/clustering.py
"""
import os, time
import numpy as np
from fastcore.script import call_parse
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KNeighborsClassifier

from detaux_nb.clustering import discover_aux_labels
from detaux_nb.core import subsample

def timed(f):
    t = time.perf_counter(); r = f(); return r, time.perf_counter() - t

def bench_kmeans(Z, seed):
    aux, t = timed(lambda: discover_aux_labels(Z, 'kmeans', seed=seed))
    base, tb = timed(lambda: KMeans(aux.n_classes, n_init='auto', random_state=seed).fit(Z).labels_)
    return dict(method='kmeans auto-k', ours=t, baseline=tb, base_name=f'sklearn KMeans(k={aux.n_classes}) all points',
                classes=aux.n_classes, target=60, agree=adjusted_rand_score(base, aux.labels))

def hdbscan_stages(Z, seed, fit_size, mcs, jobs):
    "Time the stages of our HDBSCAN path one by one (same calls as discover_aux_labels makes)."
    from detaux_nb.clustering import _by_size, _core_distances, assign_by_reachability
    idx = subsample(len(Z), fit_size, seed); F = Z[idx]
    fl, t1 = timed(lambda: _by_size(HDBSCAN(min_cluster_size=mcs, min_samples=mcs, copy=True, n_jobs=jobs).fit(F).labels_))
    core, t2 = timed(lambda: _core_distances(F, mcs, jobs))
    reach = np.array([core[fl == c].max() for c in range(fl.max() + 1)])
    rest = np.ones(len(Z), bool); rest[idx] = False
    _, t3 = timed(lambda: assign_by_reachability(Z[rest], F, core, fl, 10, reach, jobs))
    print(f"hdbscan stages: fit {t1:.1f} s, core distances {t2:.1f} s, assign {rest.sum():,} points {t3:.1f} s")

def bench_hdbscan(Z, seed, fit_size=50_000, breakdown=False):
    jobs = int(os.environ.get('OMP_NUM_THREADS') or 1)   # same parallelism for ours and the baseline
    aux, t = timed(lambda: discover_aux_labels(Z, 'hdbscan', fit_size=fit_size, n_jobs=jobs, seed=seed))
    mcs = aux.params['min_cluster_size_count']
    def baseline():
        idx = subsample(len(Z), fit_size, seed)
        fl = HDBSCAN(min_cluster_size=mcs, copy=True, n_jobs=jobs).fit(Z[idx]).labels_
        rest = np.ones(len(Z), bool); rest[idx] = False
        labels = np.empty(len(Z), np.int64); labels[idx] = fl
        if rest.any(): labels[rest] = KNeighborsClassifier(1, n_jobs=jobs).fit(Z[idx], fl).predict(Z[rest])
        return labels
    base, tb = timed(baseline)
    if breakdown: hdbscan_stages(Z, seed, fit_size, mcs, jobs)
    return dict(method=f'hdbscan fit {min(fit_size, len(Z)):,} + assign {len(Z):,}', ours=t, baseline=tb,
                base_name=f'sklearn HDBSCAN(min_cluster_size={mcs}) same {fit_size:,} + Euclidean 1-NN',
                classes=aux.n_classes, target=120, agree=adjusted_rand_score(base, aux.labels),
                extra=f'noise {aux.noise_frac:.2%}')

def bench_gmm(Z, seed):
    aux, t = timed(lambda: discover_aux_labels(Z, 'gmm', seed=seed))
    base, tb = timed(lambda: GaussianMixture(aux.n_classes, random_state=seed).fit(Z).predict(Z))
    return dict(method='gmm auto-k (BIC)', ours=t, baseline=tb, base_name=f'sklearn GaussianMixture({aux.n_classes}) all points',
                classes=aux.n_classes, target=None, agree=adjusted_rand_score(base, aux.labels))

@call_parse
def main(
    n:int=480_000,        # number of codes
    d:int=10,             # code dimension
    centers:int=8,        # Gaussian blobs the synthetic codes are drawn from
    codes:str=None,       # optional .npy file of (N, d) codes to use instead of synthetic blobs
    methods:str='kmeans,hdbscan,gmm',  # which lines to run
    seed:int=0,           # seed for data and clustering
    breakdown:bool=False, # also time the stages of our HDBSCAN path (fit, core distances, assignment)
):
    "Time discover_aux_labels against sklearn baselines measured in the same run."
    if codes: Z = np.load(codes, allow_pickle=False).astype(np.float32); src = codes
    else:
        Z = make_blobs(n, n_features=d, centers=centers, cluster_std=1.0, center_box=(-10, 10), random_state=seed)[0].astype(np.float32)
        src = f'{centers} Gaussian blobs (std 1, centres in [-10, 10]^{d}), float32'
    print(f"codes {Z.shape} from {src}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, cpus {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f} (other users share this machine)")
    fns = dict(kmeans=bench_kmeans, hdbscan=bench_hdbscan, gmm=bench_gmm)
    rows = [fns[m](Z, seed, breakdown=breakdown) if m == 'hdbscan' else fns[m](Z, seed) for m in methods.split(',')]
    print(f"\n{'line':34} {'ours s':>8} {'target':>7} {'baseline s':>10} {'ratio':>6} {'classes':>7} {'ARI vs base':>11}  baseline")
    for r in rows:
        tgt = f"<{r['target']}" if r['target'] else '-'
        ok = '' if not r['target'] else (' ok' if r['ours'] < r['target'] else ' MISSED')
        print(f"{r['method']:34} {r['ours']:8.1f} {tgt:>7} {r['baseline']:10.1f} {r['ours']/r['baseline']:6.2f} "
              f"{r['classes']:7d} {r['agree']:11.4f}  {r['base_name']}{ok}{'  ' + r['extra'] if 'extra' in r else ''}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
