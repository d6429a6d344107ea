"""Discovered labels for 09_study cells, then their runs.

    python bench/study_discovered.py                                   # the centre cell, principal scale
    python bench/study_discovered.py --cells '[{"weighting": "gradsim"}, {"backbone": "wide"}]'
    python bench/study_discovered.py --principal orientation          # trains a disentangler with that principal

The disentangler is 01b's `TWIN_QUICK` (plus `--overrides`) with principal `--principal`: for scale the cached twin
model (never trained here), for another factor one trained on the twin's training split. It encodes the union of
the 5 seeds' training images, `select_subspace` chooses a subspace for the principal factor, k-means with automatic
k clusters it, and test images get the nearest class mean. The labels are cached in `artifact_dir('study')`.
"""
import json, time
from pathlib import Path
import numpy as np
from fastcore.script import call_parse
from detaux_nb.core import subsample, atomic_write, artifact_dir, setup_output
setup_output()   # before fastai is imported
from detaux_nb.data import Shapes3DTwin, shapes3d_split
from detaux_nb.disentangler import encode
from detaux_nb.twin import TWIN_QUICK, _preset, _preset_key, _twin_paths, twin_model, train_disentangler
from detaux_nb.metrics import select_subspace
from detaux_nb.clustering import discover_aux_labels, nearest_mean_labels
from detaux_nb.study import STUDY_CENTRE, STUDY_RUN, run_study

def log(m): print(time.strftime('%H:%M:%S'), m, flush=True)

def disentangler(cfg, ds, principal, pool, test_pool):
    "The cached twin model for scale; for another principal factor, one trained here"
    if principal == 'scale':
        if not _twin_paths(cfg)['model'].exists(): raise SystemExit(f"no cached model for preset {_preset_key(cfg)}: not training one")
        return twin_model(cfg, device='cpu')
    t0 = time.time()
    learn = train_disentangler(ds, principal, pool, cfg, valid_idx=test_pool, progress=False)
    log(f"{principal} disentangler trained in {time.time() - t0:.0f} s")
    return learn.model.eval()

def discovered_labels(cfg, ds, principal):
    "(N,) labels over the twin: the clusters on every seed's training images and their nearest class on the test draw"
    out = artifact_dir('study') / (f"discovered_{_preset_key(cfg)}.npy" if principal == 'scale' else f"discovered_{principal}_{_preset_key(cfg)}.npy")
    if out.exists(): return np.load(out)
    pool, test_pool = shapes3d_split(ds)
    fit = np.unique(np.concatenate([subsample(pool, STUDY_CENTRE['n_train'], s) for s in range(5)]))  # every seed's training images
    te = subsample(test_pool, STUDY_RUN['n_test'], 0)
    model = disentangler(cfg, ds, principal, pool, test_pool)
    Zf, Zt = encode(model, ds.subset(fit)), encode(model, ds.subset(te))
    k = select_subspace(Zf, ds.factors[fit, ds.factor_index(principal)])
    aux = discover_aux_labels(Zf[:, k], method='kmeans', n_clusters='auto', seed=0)
    y = np.zeros(len(ds), np.int64)   # positions no run reads stay 0
    y[fit], y[te] = aux.labels, nearest_mean_labels(Zf[:, k], aux.labels, Zt[:, k])
    atomic_write(out, lambda tmp: np.save(tmp, y))
    log(f"subspace {k}, {len(np.unique(aux.labels))} classes on {len(fit)} training images")
    return y

@call_parse
def main(principal:str='scale', # the principal factor of the cells and of the disentangler
         cells:str='[{}]', # JSON list of cell settings that differ from the centre (aux is 'discovered')
         overrides:str='{}'): # JSON of TWIN_QUICK settings to change, e.g. '{"n_epoch": 20}'
    "Discovered labels for the 09_study cells (cached), then their runs; finished runs in nbs/09_study_runs.csv are reused"
    cfg = _preset(TWIN_QUICK, **json.loads(overrides))
    ds = Shapes3DTwin(size=STUDY_RUN['size'])
    y = discovered_labels(cfg, ds, principal)
    todo = [dict(STUDY_CENTRE, **c, principal=principal, aux='discovered') for c in json.loads(cells)]
    csv = Path(__file__).resolve().parents[1]/'nbs'/'09_study_runs.csv'
    run_study(todo, csv, labels={'discovered': y}, log=log)
