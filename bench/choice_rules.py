"""Issue 22: which ground-truth-free rule chooses the candidate task? The candidates of `bench/discovered.py` runs, for 03.

Reads every run folder under the given roots (`<mode>_s<seed>` with `aux_labels/candidates.csv` and
`candidates.npz`) and writes one row per usable candidate: the run, its pair mode and seed, the subspace, k, silhouette,
spread (share of the code's variance), the entropy of its fit labels (nats), the factor it tracks best and that NMI
(ground truth: for scoring a rule, never an input to one). 03 recomputes each rule's choice per run from this file.

    python bench/choice_rules.py --roots DIR1,DIR2 --labels dev,dev --out nbs/03_choice_rules.csv
"""
from pathlib import Path
import numpy as np, pandas as pd
from scipy.stats import entropy
from fastcore.script import call_parse

@call_parse
def main(roots:str=None,                 # comma-separated folders of run folders
         labels:str=None,                # comma-separated name of each root's group (e.g. dev, validation)
         out:str='nbs/03_choice_rules.csv'): # the CSV written
    rows = []
    for root, group in zip(roots.split(','), labels.split(',')):
        for run in sorted(Path(root).glob('*_s*')):
            t = pd.read_csv(run/'aux_labels'/'candidates.csv', index_col='subspace')
            with np.load(run/'aux_labels'/'candidates.npz') as f:
                for k, r in t[t.usable].iterrows():
                    rows.append(dict(group=group, run=f"{Path(root).name}/{run.name}", mode=run.name.split('_')[0],
                                     seed=int(run.name.split('_s')[1]), subspace=k, k=int(r.k), silhouette=r.silhouette,
                                     spread=r.spread, entropy=float(entropy(np.unique(f[f'fit_{k}'], return_counts=True)[1])),
                                     best_factor=r.best_factor, best_nmi=r.best_nmi))
    df = pd.DataFrame(rows).round(4)
    df.to_csv(out, index=False)
    print(f"{out}: {len(df)} candidates of {df.run.nunique()} runs")
