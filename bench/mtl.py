"""Epoch throughput of `mtl_learner` (fastai Learner, callbacks, metrics, model selection) against a bare
PyTorch loop doing the same work: same model (same initial weights), same DataLoaders, same AdamW, one training
pass plus one validation pass with per-task accuracy and macro-F1.

    OMP_NUM_THREADS=2 python bench/mtl.py [--n-train 2048] [--reps 20]

Each rep times one epoch of each path back to back, the order alternating from rep to rep, so that a change in the
machine's speed (other processes, frequency) hits both alike. The figure is the median over reps of the paired ratio
bare time / fastai time (throughput ratio; 1.0 = no overhead): on this 2-core VM the epoch time of either path drifts
by up to 40 % within a minute, which a ratio of the two medians does not cancel (it is printed too).

Before the ratio it prints the per-batch overhead over the bare loop with a backbone that does almost no work (global
average pooling), where the Python cost of the training loop is all there is to see: for `mtl_learner` (a
`QuickLearner`) and for the same learner run by fastai's own `Learner` and `Recorder` (the baseline), fastest of
`reps` epochs.
"""
import copy, time, warnings
warnings.filterwarnings('ignore')
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from fastai.learner import Learner, Recorder
from fastcore.script import call_parse
from sklearn.metrics import accuracy_score, f1_score
from detaux_nb.core import subsample
from detaux_nb.data import Shapes3DTwin, shapes3d_split, task_dls
from detaux_nb.mtl import mtl_learner

def bare_epoch(model, opt, dls):
    "One training pass and one validation pass, written out in plain PyTorch"
    model.train()
    for x, *ys in dls.train:
        loss = sum(F.cross_entropy(o, y) for o, y in zip(model(x), ys))
        opt.zero_grad(); loss.backward(); opt.step()
    model.eval()
    preds, targs = [[] for _ in ys], [[] for _ in ys]
    with torch.no_grad():
        for x, *ys in dls.valid:
            for p, t, o, y in zip(preds, targs, model(x), ys): p.append(o.argmax(-1)); t.append(y)
    return [(accuracy_score(torch.cat(t), torch.cat(p)), f1_score(torch.cat(t), torch.cat(p), average='macro')) for p, t in zip(preds, targs)]

@call_parse
def main(n_train:int=2048, # training images (before the 10% validation carve)
         bs:int=32, # batch size
         size:int=32, # image side
         reps:int=20, # timed epochs per path (after one warm-up epoch each)
         backbone:str='small'): # `mtl_learner` backbone
    "Epoch time of `mtl_learner.fit(1)` against a bare PyTorch loop doing the same work; prints `ratio=<median paired bare/fastai>`"
    ds = Shapes3DTwin(size=size)
    tr, te = shapes3d_split(ds)
    tr = subsample(tr, n_train, 0)
    labels = {'scale': ds.factors[:, 3], 'shape': ds.factors[:, 4]}
    dls = task_dls(ds, labels, train_idx=tr, test_idx=te[:256], bs=bs, seed=0, device='cpu')
    learn = mtl_learner(dls, backbone=backbone, seed=0)
    model = copy.deepcopy(learn.model)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=5e-3)
    n_img = len(dls.train.dataset)

    def fit_one(learn):
        def f():
            with learn.no_bar(), learn.no_logging(): learn.fit(1)
        return f

    def timed(paths):
        "Seconds of `reps` epochs of every path, back to back, the order alternating from rep to rep (after a warm-up)"
        times = {k: [] for k in paths}
        for f in paths.values(): f()
        for r in range(reps):
            for name in (list(paths) if r % 2 == 0 else list(paths)[::-1]):
                t0 = time.perf_counter(); paths[name](); times[name].append(time.perf_counter() - t0)
        return times

    times = timed({'fastai mtl_learner.fit(1)': fit_one(learn), 'bare PyTorch loop': lambda: bare_epoch(model, opt, dls)})
    med = {k: float(np.median(v)) for k, v in times.items()}
    fa, ba = (np.array(v) for v in times.values())
    print(f"MTL epoch: {n_img} training + {len(dls.valid.dataset)} validation images, bs={bs}, {size}px, "
          f"backbone={backbone}, torch threads={torch.get_num_threads()}, {reps} reps")
    print(f"{'path':28s} {'median s':>8s} {'img/s':>8s}   all epoch s")
    for k, t in med.items(): print(f"{k:28s} {t:8.3f} {n_img / t:8.0f}   {' '.join(f'{x:.2f}' for x in times[k])}")
    print(f"paired ratios: {' '.join(f'{x:.3f}' for x in ba / fa)}")

    pool = lambda: nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())   # a backbone that does almost nothing
    quick, plain = mtl_learner(dls, backbone=pool(), seed=0), mtl_learner(dls, backbone=pool(), seed=0)
    plain.__class__ = Learner                                             # the same learner, fastai's dispatch
    rec = Recorder(); plain.cbs[plain.cbs.index(plain.recorder)] = rec    # and fastai's Recorder, at its place
    rec.learn, plain.recorder = plain, rec
    tiny = copy.deepcopy(quick.model); tiny_opt = torch.optim.AdamW(tiny.parameters(), lr=1e-4, weight_decay=5e-3)
    fast = {k: min(v) for k, v in timed({'QuickLearner (mtl_learner)': fit_one(quick), 'fastai Learner': fit_one(plain),
                                         'bare': lambda: bare_epoch(tiny, tiny_opt, dls)}).items()}
    n_batch = len(dls.train) + len(dls.valid)
    for k in list(fast)[:2]: print(f"per-batch overhead over the bare loop, pooling backbone, {k}: {(fast[k] - fast['bare']) / n_batch * 1e6:.0f} us")
    print(f"ratio_of_medians={med['bare PyTorch loop'] / med['fastai mtl_learner.fit(1)']:.3f}")
    print(f"ratio={float(np.median(ba / fa)):.3f}")
