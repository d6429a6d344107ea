"""Issue 12: does subspace 0 hold the principal task? Train the twin disentangler with a preset and probe it.

For every pair mode and seed: train on the 32 px twin's training split (`train_disentangler`, principal factor
`--principal`, p = 0.5), then probe every subspace on 10,000 held-out test-split codes and measure how much
changing only a hue moves subspace 0 against changing only the principal factor (`principal_summary`). Prints

    mode=<label|factor> seed=<s> z0=<probe> others_max=<max probe k>=1> leak=<hue/principal move of z0> train_s=<seconds>
        best_k>=1: floor_hue=<best probe k>=1> wall_hue=<...> object_hue=<...>

per run and last `label_z0=<mean> factor_z0=<mean> others_max=<max> train_s_max=<s>` (means over the seeds of each
mode; `factor` = forced factor pairs, one factor changes per pair). `train_s` is the wall-clock time of
`learn.fit` (with the data loaders' set-up), probes excluded. Runs are sequential and use every thread torch is given:

    OMP_NUM_THREADS=2 python bench/principal.py --seeds 0,1,2 --modes label,factor
    OMP_NUM_THREADS=2 python bench/principal.py --seeds 0 --modes label --principal shape
    OMP_NUM_THREADS=1 python bench/principal.py --seeds 0 --modes label --overrides '{"loss_kw": {"principal": "hinge"}}'
"""
import json, time
import numpy as np
from fastcore.script import call_parse
from detaux_nb.data import Shapes3DTwin, shapes3d_split
from detaux_nb.twin import TWIN_QUICK, TWIN_QUICK_FORCED, merge_preset, principal_summary, train_disentangler

PRESETS = dict(label=TWIN_QUICK, factor=TWIN_QUICK_FORCED)   # bench name of the pair mode -> its preset

@call_parse
def main(seeds:str='0,1,2',          # comma-separated training seeds
         modes:str='label,factor',   # comma-separated pair modes: label, factor (forced factor pairs)
         principal:str='scale',      # the twin factor subspace 0 must hold
         overrides:str='{}'):        # JSON dict of preset keys to change; 'loss_kw' / 'schedule_kw' entries are merged
    over = json.loads(overrides)
    ds = Shapes3DTwin(32)
    train_idx, test_idx = shapes3d_split(ds)
    res = {m: [] for m in modes.split(',')}
    for mode in res:
        for seed in map(int, seeds.split(',')):
            base = PRESETS[mode]
            cfg = merge_preset(base, dict(over, seed=seed))
            t0 = time.time()
            learn = train_disentangler(ds, principal, train_idx, cfg, valid_idx=test_idx, progress=False)
            secs = time.time() - t0
            s = principal_summary(learn.model, ds, principal, pool=test_idx)
            res[mode].append(dict(s, train_s=secs))
            hues = ' '.join(f"{h}={s['probes'].loc[1:, h].max():.3f}" for h in s['probes'].columns if 'hue' in h and h != principal)
            print(f"mode={mode} seed={seed} z0={s['z0']:.3f} others_max={s['others_max']:.3f} leak={s['leak']:.3f} train_s={secs:.0f} "
                  f"best_k>=1: {hues}", flush=True)
    means = ' '.join(f"{m}_z0={np.mean([r['z0'] for r in rs]):.3f}" for m, rs in res.items())
    runs = [r for rs in res.values() for r in rs]
    print(f"{means} others_max={max(r['others_max'] for r in runs):.3f} train_s_max={max(r['train_s'] for r in runs):.0f}")
