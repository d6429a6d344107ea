"""Issue 22 leads, measured on the stored codes of `bench/discovered.py` runs (nothing is retrained).

For every run folder given (`<mode>_s<seed>` with `codes/`, `split/` and `aux_labels/`), the candidate the package's
rule chose (highest silhouette x variance share x label entropy) against a variant of it, both scored by the NMI with
the twin factor they track best (ground truth: for scoring, never an input):

- `--lead pca`: every usable candidate re-clustered on the principal components holding 90 % of its subspace's
  variance (a Gaussian mixture, BIC, as the quick preset), the rule applied again to the new labels;
- `--lead merge`: the package's merging (`discover_candidates(merge=...)`, the quick preset's default since it was
  measured here): the chosen candidate's group (`dependent_groups`: it and every usable subspace whose labels share
  NMI >= `--dep` with its own) clustered as one on `group_projection`'s principal components (a single subspace
  keeps its labels); the package also refuses a group whose codes leak the principal task, which this bench does not.

The run folders must hold unmerged candidates (made with `merge: null`, or before merging existed).

Prints per run `run= chosen= lead= k= n_merged=` and last `mean= lead_mean= worst= lead_worst= better= worse=
at_0.6= lead_at_0.6=`.

    OMP_NUM_THREADS=1 python bench/candidate_leads.py --lead merge --runs 'DIR/near_s*,DIR2/near_s*'
"""
import glob, json, warnings
from pathlib import Path
import numpy as np, pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score as nmi
from fastcore.script import call_parse
from detaux_nb.core import subsample
from detaux_nb.clustering import candidate_quality, dependent_groups, discover_aux_labels, group_projection
from detaux_nb.data import Shapes3DTwin
from detaux_nb.pipeline import QUICK_CLUSTER

OTHER = (0, 1, 2, 4, 5)   # the twin's factors other than the principal one (scale)

def _reduced(X, share, seed):
    "`X` on its principal components holding `share` of its variance (fitted on 5,000 seeded rows)"
    P = PCA(random_state=seed).fit(X[subsample(len(X), 5000, seed)])
    return P.transform(X)[:, :int(np.searchsorted(np.cumsum(P.explained_variance_ratio_), share) + 1)]

def _cluster(X, seed): return discover_aux_labels(X, seed=seed, **QUICK_CLUSTER)   # the quick preset's clustering

@call_parse
def main(runs:str=None,      # comma-separated run folders of bench/discovered.py (glob patterns allowed)
         lead:str='merge',   # 'pca' or 'merge'
         dep:float=0.3,      # merge: label NMI with the chosen candidate above which a subspace joins it
         share:float=0.9):   # variance share of the principal components clustered
    if not runs: raise SystemExit("--runs: name the run folders (comma-separated, glob patterns allowed)")
    if lead not in ('pca', 'merge'): raise SystemExit(f"--lead must be 'pca' or 'merge'; got {lead!r}")
    warnings.filterwarnings('ignore')
    F, rows = Shapes3DTwin(32).factors, []
    for run in [Path(p) for pat in runs.split(',') for p in sorted(glob.glob(pat))]:
        t = pd.read_csv(run/'aux_labels'/'candidates.csv', index_col='subspace'); use = t[t.usable]
        cfg = json.loads((run/'config.json').read_text()); seed = cfg['disentangler']['seed']
        if cfg.get('merge') is not None: raise SystemExit(f"{run}: its candidates are merged already (merge={cfg['merge']}); rerun it with merge null")
        with np.load(run/'codes'/'codes.npz') as f: Z = f['fit']
        with np.load(run/'split'/'split.npz') as f: fac = F[f['fit']]
        with np.load(run/'aux_labels'/'candidates.npz') as f: L = {k: f[f'fit_{k}'] for k in use.index}
        best = lambda lab: max(nmi(fac[:, j], lab) for j in OTHER)
        c = max(L, key=lambda k: candidate_quality(use.silhouette[k], use.spread[k], L[k])[0])   # the package's choice
        if lead == 'pca':
            new = {k: _cluster(_reduced(Z[:, k], share, seed), seed) for k in use.index}   # rated by the same rule
            lab, merged = new[max(new, key=lambda k: candidate_quality(new[k].silhouette, use.spread[k], new[k].labels)[0])].labels, 0
        else:
            q = {k: candidate_quality(use.silhouette[k], use.spread[k], L[k])[0] for k in L}
            ks = dependent_groups(L, sorted(L, key=lambda k: -q[k]), dep)[c]   # c leads the first group
            lab = _cluster(group_projection(Z, ks, share, seed=seed)(Z), seed).labels if len(ks) > 1 else L[c]
            merged = len(ks) - 1
        rows.append(dict(run=f"{run.parent.name}/{run.name}", chosen=best(L[c]), lead=best(lab), k=len(set(lab)), n_merged=merged))
        r = rows[-1]
        print(f"run={r['run']} chosen={r['chosen']:.3f} lead={r['lead']:.3f} k={r['k']} n_merged={r['n_merged']}", flush=True)
    d = pd.DataFrame(rows)
    print(f"mean={d.chosen.mean():.3f} lead_mean={d.lead.mean():.3f} worst={d.chosen.min():.3f} lead_worst={d.lead.min():.3f} "
          f"better={(d.lead > d.chosen).sum()} worse={(d.lead < d.chosen).sum()} at_0.6={(d.chosen >= 0.6).sum()} "
          f"lead_at_0.6={(d.lead >= 0.6).sum()}")
