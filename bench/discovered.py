"""Issue 22: does the pipeline discover tasks that are real factors? Candidates per disentangler, found without ground truth.

For every pair mode and seed: the quick preset's pipeline on the twin, run up to its auxiliary-label stage
(`run_detaux(..., until='aux_labels')`, one run folder per mode and seed under `--out`, reused when it is already done):
the disentangler trains with the mode's preset and the seed, every non-principal subspace that is neither collapsed
nor principal-bearing is clustered (`discover_candidates`, k chosen without ground truth), and the default rule
chooses one. `label` = principal-label pairs with random partners (`TWIN_QUICK_LABEL`), `near` = principal-label pairs
whose partner is a pixel-space neighbour (`TWIN_QUICK_NEAR`, what pair mode `auto` trains on data without a factor
grid, such as a user's folder), `forced` = the quick preset's pair mode `auto`, which on the twin (a full factor grid)
trains `TWIN_QUICK_FORCED`'s forced factor pairs. Prints per run

    mode= seed= chosen_subspace= k= best_factor= nmi= n_candidates= candidates_nmi>=0.6= train_s= z0= others_max= spread_min=

(`nmi`: the chosen candidate's NMI with the ground-truth factor it tracks best, on the 20,000 fit codes; `z0` and
`others_max`: held-out scale probe of subspace 0 and the best of subspaces 1-9, on the 10,000 test-split codes;
`spread_min`: the smallest variance of a subspace 1-9 as a fraction of their mean (collapsed below 0.05);
`candidates_nmi>=0.6`: the distinct factors some candidate tracks at NMI >= 0.6; `train_s`: the disentangler stage's
seconds), and last `label_nmi_min= label_z0_min= label_others_max= label_spread_min=` (the same for `near_`), `forced_nmi_min=
forced_factors_found=` (the worst seed of each). Runs are
sequential and use the threads torch is given:

    OMP_NUM_THREADS=2 python bench/discovered.py --modes label,near,forced --seeds 0,1,2
"""
import json
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse
from detaux_nb.core import artifact_dir
from detaux_nb.data import Shapes3DTwin
from detaux_nb.metrics import probe_accuracy
from detaux_nb.pipeline import preset, run_detaux
from detaux_nb.twin import TWIN_QUICK_LABEL

@call_parse
def main(seeds:str='0,1,2',            # comma-separated disentangler (and clustering) seeds
         modes:str='label,near,forced', # comma-separated pair modes: label, near, forced (the quick preset's 'auto' on the twin)
         out:str=None,                 # folder of the run folders (default: artifact_dir('bench')/discovered)
         cluster:str='{}',             # JSON dict of clustering settings laid over the quick preset's (e.g. '{"method": "kmeans"}')
         overrides:str='{}'):          # JSON dict of disentangler keys to change (e.g. '{"n_epoch": 2}')
    root = artifact_dir('bench')/'discovered' if out is None else Path(out)
    res, ds = {m: [] for m in modes.split(',')}, Shapes3DTwin(32)
    for mode in res:
        for seed in map(int, seeds.split(',')):
            base = dict(TWIN_QUICK_LABEL) if mode == 'label' else dict(mode='auto' if mode == 'forced' else 'near')
            dis = dict(base, seed=seed, **json.loads(overrides))      # laid over the quick preset's disentangler section
            c = preset('quick', seed=seed, disentangler=dis, labels='used', cluster=json.loads(cluster))
            run = root/f"{mode}_s{seed}"
            run_detaux(c, run, verbose=False, until='aux_labels', overwrite=True)   # a changed clustering redoes only its stage
            t = pd.read_csv(run/'aux_labels'/'candidates.csv', index_col='subspace')
            ch = json.loads((run/'aux_labels'/'choice.json').read_text())
            secs = json.loads((run/'disentangler'/'stage.json').read_text())['seconds']
            used = t[t.usable]
            found = sorted({f for f, v in zip(used.best_factor, used.best_nmi) if v >= 0.6})
            k = ch['subspace']
            with np.load(run/'codes'/'codes.npz') as f: Zt = f['test']          # 10,000 test-split codes
            with np.load(run/'split'/'split.npz') as f: yt = ds.factors[f['mtl_test'], 3]
            probe = [probe_accuracy(Zt[:, j], yt, None, 0.5, seed) for j in range(Zt.shape[1])]   # scale, held out
            r = dict(seed=seed, nmi=float(t.loc[k, 'best_nmi']), found=len(found), z0=probe[0], others=max(probe[1:]),
                     spread=float(t.spread.min()))
            res[mode].append(r)
            print(f"mode={mode} seed={seed} chosen_subspace={k} k={int(t.loc[k, 'k'])} best_factor={t.loc[k, 'best_factor']} "
                  f"nmi={r['nmi']:.3f} n_candidates={len(used)} candidates_nmi>=0.6={len(found)}({','.join(found)}) "
                  f"train_s={secs:.0f} z0={r['z0']:.3f} others_max={r['others']:.3f} spread_min={r['spread']:.3f}", flush=True)
    last = []
    for m in ('label', 'near'):
        if m in res: last += [f"{m}_nmi_min={min(r['nmi'] for r in res[m]):.3f}", f"{m}_z0_min={min(r['z0'] for r in res[m]):.3f}",
                              f"{m}_others_max={max(r['others'] for r in res[m]):.3f}",
                              f"{m}_spread_min={min(r['spread'] for r in res[m]):.3f}"]
    if 'forced' in res:
        last += [f"forced_nmi_min={min(r['nmi'] for r in res['forced']):.3f}",
                 f"forced_factors_found={min(r['found'] for r in res['forced'])}"]
    print(' '.join(last))
