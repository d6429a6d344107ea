"""Benchmark of `detaux_nb.metrics.dci` on 10,000 codes x 100 dims (K=10 subspaces of d=10), 6 twin-sized factors.

Each line times DCI end to end (one classifier per factor, importances, scores; both the per-dimension and the
per-subspace view come from the same fit) on the same codes, with:
  forest     ours (default): RandomForestClassifier(10 trees, max_features=None, min_samples_leaf=5)
  logistic   ours (model='logistic'): StandardScaler + multinomial LogisticRegression, |coef| importances
  gbt        baseline: disentanglement_lib's estimator, sklearn GradientBoostingClassifier, with n_estimators
             set by --gbt-rounds (default 10: sklearn's default of 100 builds one tree per class per round and
             does not fit in a locked run here; pass --gbt-rounds 100 to time it)
ratio = baseline time / ours (above 1: ours is faster). Target (issue 4): DCI on 10,000 x 100 in under 60 s.

Codes: `synthetic_codes(kind='disentangled', spread=True)` (each factor spread over its own subspace, noise 0.05),
factor sizes (10, 10, 10, 8, 4, 15) as on 3DShapes. Single-threaded models; run it under the shared heavy lock:
  OMP_NUM_THREADS=1 python bench/metrics.py
"""
import time
from fastcore.script import call_parse
from sklearn.ensemble import GradientBoostingClassifier

from detaux_nb.metrics import dci, synthetic_codes

def timed(f):
    t = time.perf_counter(); r = f(); return r, time.perf_counter() - t

@call_parse
def main(n:int=10_000, # samples
         K:int=10, # subspaces
         d:int=10, # dims per subspace
         gbt_rounds:int=10, # boosting rounds of the baseline (sklearn default: 100)
         seed:int=0, # random seed
        ):
    Z, V = synthetic_codes(n, sizes=(10, 10, 10, 8, 4, 15), K=K, d=d, spread=True, noise=0.05, seed=seed)
    print(f"DCI on {n:,} codes x {K * d} dims ({K} subspaces x {d}), {V.shape[1]} factors {tuple(int(s) for s in V.max(0) + 1)}\n")
    runs = [('forest (ours, default)', 'forest'), ('logistic (ours)', 'logistic'),
            (f'gbt {gbt_rounds} rounds (baseline)', GradientBoostingClassifier(n_estimators=gbt_rounds, random_state=seed))]
    rows = []
    for name, model in runs:
        r, t = timed(lambda: dci(Z, V, per='both', model=model, seed=seed))
        rows.append((name, t, r['dim'], r['subspace']))
    print(f"{'model':<26}{'time s':>8}{'D dim':>8}{'C dim':>8}{'D sub':>8}{'C sub':>8}{'I':>7}{'chance':>8}")
    for name, t, rd, rs in rows:
        print(f"{name:<26}{t:>8.1f}{rd.disentanglement:>8.3f}{rd.completeness:>8.3f}{rs.disentanglement:>8.3f}"
              f"{rs.completeness:>8.3f}{rd.informativeness:>7.3f}{rd.chance:>8.3f}")
    t_ours, t_base = rows[0][1], rows[-1][1]
    print(f"\nratio baseline/ours = {t_base / t_ours:.1f}x  (baseline: {rows[-1][0]})")
    print(f"target: forest DCI < 60 s: {'met' if t_ours < 60 else 'NOT met'} ({t_ours:.1f} s)")
