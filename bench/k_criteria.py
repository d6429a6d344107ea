"""Issue 22: which criterion for the number of clusters recovers the factors a disentangler gathered?

Part 1 (choose): for every run folder that `bench/discovered.py` left (twin, label and forced pairs, seeds 0-2), the
candidates of its fit codes under each criterion of `K_CRITERIA` (kmeans with silhouette, stability or gap; a
Gaussian mixture with BIC), every other setting the quick preset's. Writes one row per (run, criterion, usable
candidate) to `nbs/03_k_criteria.csv` and prints, per criterion, the mean over runs of the chosen candidate's NMI with
its best-tracked factor and the mean over candidates of that NMI.

Part 2 (check, `--heldout`): a dSprites-format file the script writes (a full grid: 3 shapes x 6 scales x 16 x 16
positions, 64 px, the renderer of 06's tests), through the quick pipeline (principal scale, pair mode auto, so forced
factor pairs) up to the candidates, once per criterion; prints the chosen candidate and its NMI per criterion, and writes them to `nbs/03_k_heldout.csv`. Data the criterion was not chosen on.

    OMP_NUM_THREADS=2 python bench/k_criteria.py
    OMP_NUM_THREADS=2 python bench/k_criteria.py --heldout
"""
import json, time
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse
from detaux_nb.core import artifact_dir
from detaux_nb.data import Shapes3DTwin
from detaux_nb.clustering import K_CRITERIA, discover_candidates
from detaux_nb.pipeline import preset, run_detaux, load_data

def cluster_kw(crit, base):
    return dict(base, method='gmm', n_clusters='auto') if crit == 'bic' else dict(base, method='kmeans', k_criterion=crit)

def candidates_of(run, ds, crit, seed):
    c = json.loads((run/'config.json').read_text())
    with np.load(run/'split'/'split.npz') as f: fit = f['fit']
    with np.load(run/'codes'/'codes.npz') as f: Z = f['fit']
    F = ds.factors[fit]
    kw = {k: v for k, v in cluster_kw(crit, c['cluster']).items() if not (crit == 'bic' and k in ('k_criterion', 'criterion_size'))}
    t0 = time.time()
    cands = discover_candidates(Z, F[:, ds.factor_index(c['principal'])], factors=F, names=ds.names, seed=seed, **kw)
    return cands, time.time() - t0

def write_dsprites_grid(path, seed=0):
    "A dSprites-format npz holding a full factor grid (color 1, shape 3, scale 6, orientation 1, posX 16, posY 16)"
    g = np.stack(np.meshgrid(np.zeros(1, int), np.arange(3), np.arange(6), np.zeros(1, int), np.arange(16), np.arange(16),
                             indexing='ij'), -1).reshape(-1, 6)
    yy, xx = np.mgrid[0:64, 0:64]
    imgs = np.zeros((len(g), 64, 64), np.uint8)
    for i, (_, s, sc, _, px, py) in enumerate(g):
        r, cx, cy = 5 + sc, 14 + px * 36 / 15, 14 + py * 36 / 15
        if s == 0: m = (abs(xx - cx) <= r) & (abs(yy - cy) <= r)
        elif s == 1: m = (xx - cx)**2 + (yy - cy)**2 <= r * r
        else: m = (abs(yy - cy) <= r) & (abs(xx - cx) <= (yy - cy + r) / 2)
        imgs[i] = m
    np.savez(path, imgs=imgs, latents_classes=g, latents_values=g.astype(float),
             metadata=np.array({'latents_names': ('color', 'shape', 'scale', 'orientation', 'posX', 'posY')}, dtype=object))
    return path

@call_parse
def main(runs:str=None,         # folder of bench/discovered.py's run folders (default: artifact_dir('bench')/discovered)
         csv:str='nbs/03_k_criteria.csv', # the table written by part 1
         heldout:bool=False):   # part 2 instead of part 1
    if heldout:
        root = artifact_dir('bench')/'k_heldout'; root.mkdir(parents=True, exist_ok=True)
        path, rows = root/'dsprites_grid.npz', []
        if not path.exists(): write_dsprites_grid(path)
        for crit in K_CRITERIA:
            q = preset('quick')
            c = preset('quick', data=f'dsprites:{path}', labels='used', n_fit=8000, cluster=cluster_kw(crit, q.cluster))
            out = root/f'run_{crit}'
            run_detaux(c, out, verbose=False, until='aux_labels')
            t = pd.read_csv(out/'aux_labels'/'candidates.csv', index_col='subspace')
            ch = json.loads((out/'aux_labels'/'choice.json').read_text())['subspace']
            u = t[t.usable]
            rows.append(dict(criterion=crit, chosen_subspace=ch, k=int(t.loc[ch, 'k']), best_factor=t.loc[ch, 'best_factor'],
                             chosen_nmi=round(float(t.loc[ch, 'best_nmi']), 3), best_candidate_nmi=round(float(u.best_nmi.max()), 3),
                             candidates=' '.join(f"{j}:k{int(r.k)}:{r.best_factor}:{r.best_nmi:.2f}" for j, r in u.iterrows())))
            print(f"heldout criterion={crit} chosen={ch} k={int(t.loc[ch, 'k'])} best_factor={t.loc[ch, 'best_factor']} "
                  f"nmi={t.loc[ch, 'best_nmi']:.3f} candidates=" + ' '.join(f"{j}:k{int(r.k)}:{r.best_factor}:{r.best_nmi:.2f}" for j, r in u.iterrows()), flush=True)
        pd.DataFrame(rows).to_csv(Path(csv).with_name('03_k_heldout.csv'), index=False)
        return
    root = artifact_dir('bench')/'discovered' if runs is None else Path(runs)
    ds = Shapes3DTwin(32)
    rows = []
    for run in sorted(p for p in root.iterdir() if (p/'aux_labels'/'stage.json').exists() and p.name.count('_') == 1):
        mode, seed = run.name.split('_')[0], int(run.name.split('_')[1][1:])
        for crit in K_CRITERIA:
            cands, secs = candidates_of(run, ds, crit, seed)
            t = cands.table[cands.table.usable]
            for j, r in t.iterrows():
                rows.append(dict(mode=mode, seed=seed, criterion=crit, subspace=j, k=int(r.k), quality=r.quality,
                                 best_factor=r.best_factor, best_nmi=r.best_nmi, chosen=j == cands.chosen, seconds=secs))
            ch = t.loc[cands.chosen]
            print(f"mode={mode} seed={seed} criterion={crit} chosen={cands.chosen} k={int(ch.k)} {ch.best_factor} {ch.best_nmi:.3f} "
                  f"mean_nmi={t.best_nmi.mean():.3f} s={secs:.0f}", flush=True)
    df = pd.DataFrame(rows)
    df.round(4).to_csv(csv, index=False)
    s = df.groupby(['criterion', 'mode']).apply(lambda g: pd.Series(dict(chosen_nmi=g[g.chosen].best_nmi.mean(),
                                                                        chosen_nmi_min=g[g.chosen].best_nmi.min(),
                                                                        candidate_nmi=g.best_nmi.mean())), include_groups=False)
    print(s.round(3).to_string())
