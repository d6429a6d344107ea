"Discovered labels for the 09_study centre cell from the cached TWIN_QUICK disentangler (never trains one), then its MTL runs"
import json, time
from pathlib import Path
import numpy as np
from fastcore.script import call_parse
from detaux_nb.core import subsample, atomic_write, artifact_dir
from detaux_nb.data import Shapes3DTwin, shapes3d_split
from detaux_nb.disentangler import encode
from detaux_nb.twin import TWIN_QUICK, _preset, _preset_key, _twin_paths, twin_model
from detaux_nb.metrics import select_subspace
from detaux_nb.clustering import discover_aux_labels
from detaux_nb.clustering import nearest_mean_labels
from detaux_nb.study import STUDY_CENTRE, STUDY_RUN, run_study

@call_parse(pos=['overrides'])
def main(overrides:str='{}'): # JSON of TWIN_QUICK settings to change, e.g. '{"n_epoch": 20}'
    "Discovered labels for the 09_study centre cell from a cached disentangler (never trains one), then its MTL runs"
    cfg = _preset(TWIN_QUICK, **json.loads(overrides))
    if not _twin_paths(cfg)['model'].exists(): raise SystemExit(f"no cached model for preset {_preset_key(cfg)}: not training one")
    out = artifact_dir('study') / f"discovered_{_preset_key(cfg)}.npy"
    ds = Shapes3DTwin(size=STUDY_RUN['size'])
    if not out.exists():
        t0 = time.time()
        pool, test_pool = shapes3d_split(ds)
        fit = np.unique(np.concatenate([subsample(pool, STUDY_CENTRE['n_train'], s) for s in range(5)]))  # every seed's training images
        te = subsample(test_pool, STUDY_RUN['n_test'], 0)
        model = twin_model(cfg, device='cpu')
        Zf, Zt = encode(model, ds.subset(fit)), encode(model, ds.subset(te))
        k = select_subspace(Zf, ds.factors[fit, ds.factor_index('scale')])
        aux = discover_aux_labels(Zf[:, k], method='kmeans', n_clusters='auto', seed=0)
        y = np.zeros(len(ds), np.int64)   # positions no run reads stay 0
        y[fit], y[te] = aux.labels, nearest_mean_labels(Zf[:, k], aux.labels, Zt[:, k])
        atomic_write(out, lambda tmp: np.save(tmp, y))
        print(f"subspace {k}, {len(np.unique(aux.labels))} classes on {len(fit)} training images, {time.time() - t0:.0f} s", flush=True)
    y = np.load(out)
    name = f"discovered"
    csv = Path(__file__).resolve().parents[1]/'nbs'/'09_study_runs.csv'
    run_study([dict(STUDY_CENTRE, aux=name)], csv, labels={name: y}, log=lambda m: print(time.strftime('%H:%M:%S'), m, flush=True))
