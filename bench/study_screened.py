"""The `screened` auxiliary source of 09_study: candidate tasks from a disentangler, the validation screen, then the runs.

    python bench/study_screened.py --principal shape --pairs forced          # one disentangler, one principal
    python bench/study_screened.py --merge-only                                 # every finished one into nbs/ CSVs

For a principal factor and a pair mode, a disentangler (01b's `TWIN_QUICK_FORCED` or `TWIN_QUICK_LABEL`, seed 0) is
trained on the paper split's training pool. Its codes of the screen images of the study's seeds (each seed's 1,000
training images minus every seed's validation carve, `screen_splits`) are clustered into candidate tasks
(`discover_candidates`, the pipeline's clustering settings); the other images a run reads get the nearest class mean.
`screen_candidates` screens the `--max-candidates` best by quality on the inner splits (GradSim, `--screen-steps`
steps per run). Then every screened candidate is trained as an ordinary study run (the centre cell, GradSim) on every
seed, so that the screen's choice can be checked against each candidate's *test* gain, which is read after the
choice and never used for it. Per (principal, pairs) the results are cached in `artifact_dir('study')`.

`--merge-only` writes `nbs/09_screen.csv` (one row per principal, pairs, candidate and seed) and adds two arms to
`nbs/09_study_runs.csv`: aux `screened:<pairs>`, the MTL runs of the candidate the screen ranked first, and aux
`screened_all:<pairs>`, MTL with every screened candidate at once (one head each).
"""
import json, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastcore.script import call_parse
from detaux_nb.core import subsample, atomic_write, artifact_dir, setup_output
setup_output()   # before fastai is imported
from detaux_nb.data import Shapes3DTwin, shapes3d_split
from detaux_nb.disentangler import encode, Disentangler
from detaux_nb.twin import TWIN_QUICK_FORCED, TWIN_QUICK_LABEL, _preset_key, train_disentangler
from detaux_nb.clustering import discover_candidates, nearest_mean_labels
from detaux_nb.pipeline import QUICK_CLUSTER
from detaux_nb.screen import screen_candidates, screen_splits
from detaux_nb.study import STUDY_CENTRE, STUDY_RUN, study_run, SETTING_COLS

NBS = Path(__file__).resolve().parents[1]/'nbs'
PRESETS = dict(forced=TWIN_QUICK_FORCED, label=TWIN_QUICK_LABEL)
def log(m): print(time.strftime('%H:%M:%S'), m, flush=True)

def disentangler(ds, principal, pairs, pool):
    "The cached model of this principal and pair mode, or one trained here on the training pool"
    cfg = PRESETS[pairs]
    f = artifact_dir('study') / f"screen_{principal}_{pairs}_{_preset_key(cfg)}.pth"
    if f.exists():
        m = Disentangler(cfg['arch'], K=cfg['K'], d=cfg['d'], size=cfg['size'], width=cfg['width'])
        m.load_state_dict(torch.load(f, map_location='cpu', weights_only=True)); return m.eval(), None
    t0 = time.time()
    learn = train_disentangler(ds, principal, pool, cfg, progress=False, device='cpu')
    secs = time.time() - t0
    atomic_write(f, lambda tmp: torch.save(learn.model.state_dict(), tmp))
    log(f"{pairs} disentangler for {principal} trained in {secs:.0f} s")
    return learn.model.eval(), secs

def one(principal, pairs, seeds, max_candidates, screen_steps, weighting):
    out = artifact_dir('study') / f"screen_{principal}_{pairs}.json"
    ds = Shapes3DTwin(size=STUDY_RUN['size'])
    pool, test_pool = shapes3d_split(ds)
    model, dis_s = disentangler(ds, principal, pairs, pool)
    if dis_s is None and out.exists(): dis_s = json.loads(out.read_text()).get('disentangler_s')   # trained by an earlier call
    n = STUDY_CENTRE['n_train']
    splits = screen_splits(pool, seeds, n, STUDY_RUN['valid_pct'])
    fit = np.unique(np.concatenate([np.union1d(*splits[s]) for s in seeds]))           # clustered: screen images only
    need = np.unique(np.concatenate([subsample(pool, n, s) for s in seeds] + [subsample(test_pool, STUDY_RUN['n_test'], 0)]))
    rest = np.setdiff1d(need, fit)                                                      # validation carves and test draw
    Zf, Zr = encode(model, ds.subset(fit), progress=False), encode(model, ds.subset(rest), progress=False)
    yp = ds.factors[:, ds.factor_index(principal)]
    t0 = time.time()
    cands = discover_candidates(Zf, yp[fit], factors=ds.factors[fit], names=ds.names, seed=0, **QUICK_CLUSTER)
    t = cands.table
    usable = t[t.usable].sort_values('quality', ascending=False)
    log(f"{principal}/{pairs}: {len(usable)} usable candidates of {len(t)} ({time.time() - t0:.0f} s)")
    labels = {}
    for j in usable.index:
        y = np.full(len(ds), 0, np.int64)                                               # positions no run reads stay 0
        y[fit] = cands.labels[j].labels
        y[rest] = nearest_mean_labels(Zf[:, j], cands.labels[j].labels, Zr[:, j])
        labels[f'aux_{j}'] = y
    t0 = time.time()
    scr = screen_candidates(ds, principal, labels, pool, seeds, n_train=n, valid_pct=STUDY_RUN['valid_pct'], max_candidates=max_candidates,
                            steps=screen_steps, bs=STUDY_RUN['bs'], lr=STUDY_RUN['lr'], wd=STUDY_RUN['wd'], weighting=weighting,
                            cache=artifact_dir('study') / f"screen_{principal}_{pairs}_runs.csv", progress=False)
    screen_s = float(scr.runs.seconds.sum())   # the screen runs' training time, kept with each run (a cached screen keeps its own)
    log(f"{principal}/{pairs} screen {screen_s:.0f} s: {scr.reason}")
    rows = []
    for name in scr.table.candidate:
        cell = dict(STUDY_CENTRE, principal=principal, weighting=weighting, aux=f'{pairs}:{name}')
        for s in seeds:
            b = study_run(cell, s, 'STL', ds=ds)
            m = study_run(cell, s, 'MTL', ds=ds, labels={cell['aux']: labels[name]})
            rows.append(dict(m, stl_test_accuracy=b['test_accuracy'], stl_val_accuracy=b['val_accuracy'], stl_seconds=b['seconds']))
        log(f"{principal}/{pairs} {name}: outer runs done")
    multi = []   # the screened candidates all at once, one head each (the paper's 2023 version speaks of tasks in the plural)
    cell = dict(STUDY_CENTRE, principal=principal, weighting=weighting, aux=f'screened_all:{pairs}')
    both = np.stack([labels[nm] for nm in scr.table.candidate], 1)
    for s in seeds: multi.append(study_run(cell, s, 'MTL', ds=ds, labels={cell['aux']: both}))
    log(f"{principal}/{pairs}: all {both.shape[1]} screened candidates at once, runs done")
    info = dict(principal=principal, pairs=pairs, disentangler_s=dis_s, screen_s=screen_s, reason=scr.reason, chosen=scr.chosen,
                margin=scr.margin, table=scr.table.to_dict('records'), candidates=t.reset_index().to_dict('records'),
                screen_runs=scr.runs.to_dict('records'), outer=rows, multi=multi, weighting=weighting, screen_steps=screen_steps)
    atomic_write(out, lambda tmp: Path(tmp).write_text(json.dumps(info, default=float)))
    log(f"{principal}/{pairs} written")

def merge():
    recs, study = [], []
    for f in sorted(artifact_dir('study').glob('screen_*_*.json')):
        info = json.loads(f.read_text())
        cand = {f"aux_{r['subspace']}": r for r in info['candidates']}
        scr = pd.DataFrame(info['table']).set_index('candidate')
        top = scr.index[0]
        runs = pd.DataFrame(info['screen_runs'])
        base = runs[runs.arm == 'STL'].set_index('seed').val_accuracy
        for r in info['outer']:
            name = r['aux'].split(':', 1)[1]; c = cand[name]; s = r['seed']
            gains = scr[f'gain_seed{s}']   # every screened candidate's gain on this seed
            recs.append(dict(principal=info['principal'], pairs=info['pairs'], candidate=name, subspace=c['subspace'], k=c['k'],
                             quality=c['quality'], principal_nmi=c['principal_nmi'], best_factor=c['best_factor'], best_nmi=c['best_nmi'],
                             seed=s, screen_gain=gains[name], stl_screen_val_accuracy=base.loc[s], screen_gain_mean=scr.at[name, 'gain_mean'],
                             screen_rank=list(scr.index).index(name) + 1, screen_best_on_seed=gains.idxmax() == name,
                             screen_beats_margin=info['chosen'] == name, margin=info['margin'],
                             test_gain=r['test_accuracy'] - r['stl_test_accuracy'], val_gain=r['val_accuracy'] - r['stl_val_accuracy'],
                             mtl_test_accuracy=r['test_accuracy'], stl_test_accuracy=r['stl_test_accuracy'], aux_test_accuracy=r['aux_test_accuracy'],
                             screen_s=info['screen_s'], disentangler_s=info['disentangler_s']))
            if name == top:
                row = {k: r[k] for k in r if not k.startswith('stl_')}
                study.append(dict(row, aux=f"screened:{info['pairs']}"))
                study.append(dict(row, arm='STL', aux='none', weighting='none', test_accuracy=r['stl_test_accuracy'],
                                  val_accuracy=r['stl_val_accuracy'], aux_test_accuracy=np.nan, seconds=r['stl_seconds']))
        for r in info.get('multi', []): study.append(r)   # aux 'screened_all:<pairs>'
    df = pd.DataFrame(recs)
    atomic_write(NBS/'09_screen.csv', lambda tmp: df.to_csv(tmp, index=False, float_format='%.5f'))
    old = pd.read_csv(NBS/'09_study_runs.csv')
    new = pd.DataFrame(study).drop_duplicates(subset=SETTING_COLS + ['seed', 'arm'])
    key = lambda d: d[SETTING_COLS + ['seed', 'arm']].astype(str).agg('|'.join, axis=1)
    merged = pd.concat([old[~key(old).isin(set(key(new)))], new[old.columns.intersection(new.columns)]], ignore_index=True)
    atomic_write(NBS/'09_study_runs.csv', lambda tmp: merged.to_csv(tmp, index=False, float_format='%.5f'))
    log(f"09_screen.csv: {len(df)} rows; 09_study_runs.csv: {len(merged)} rows ({len(new)} screened/STL rows)")

@call_parse
def main(principal:str='shape', # the principal factor
         pairs:str='forced', # 'forced' or 'label': the disentangler's pair mode
         n_seeds:int=5, # seeds 0..n-1 of the centre cell
         max_candidates:int=3, # candidates screened (best quality first)
         screen_steps:int=500, # optimiser steps per screen run
         weighting:str='gradsim', # MTL weighting of the screen and the runs
         merge_only:bool=False): # only merge the finished ones into the nbs/ CSVs
    "One (principal, pairs) screen and its runs (cached), or --merge-only"
    if merge_only: return merge()
    one(principal, pairs, list(range(n_seeds)), max_candidates, screen_steps, weighting)
