"""Issue 3 trials: train the twin disentangler with the earlier quick preset plus overrides and probe every subspace.

`BASE` is the quick preset before the principal terms (reference distance term only, forced factor pairs, 12 epochs
of 32 pairs); 01's first findings table was measured from it. For trials of the principal terms use
`bench/principal.py --overrides`.

Each trial trains on the twin's training split (principal factor scale, p = 0.5), probes the scale factor of every
subspace on 2,000 held-out images after each epoch, then probes every (subspace, factor) on 10,000 held-out
test-split codes (5,000 fit, 5,000 score) and the whole code for scale. It prints one summary line and the probe
table and writes NAME.json (settings, seconds, curve, table) and NAME.pth to --out. Loss settings in the overrides
are merged into the preset's `loss_kw` / `schedule_kw`, so `{"loss_kw": {"margin": 0.5}}` changes the margin only.

    OMP_NUM_THREADS=1 python bench/twin_trials.py base4 '{"n_epoch": 4}'
    OMP_NUM_THREADS=1 python bench/twin_trials.py margin05 '{"n_epoch": 4, "loss_kw": {"margin": 0.5}}'
    OMP_NUM_THREADS=1 python bench/twin_trials.py oc '{"n_epoch": 4}' --one-cycle 0.25
    OMP_NUM_THREADS=1 python bench/twin_trials.py anneal '{}' --hinge-anneal 10,1
    OMP_NUM_THREADS=1 python bench/twin_trials.py supervised '{}' --supervised 3000

`--supervised STEPS` instead trains the same convolutional encoder with a linear head on the scale labels
(cross-entropy, Adam 2e-3, 64 images per step) and prints the held-out accuracy every 500 steps: how fast the
architecture can learn scale when it is told the labels.
Two trials run side by side on two cores (one thread each) at about the speed of one trial on two threads.
"""
import json, time
from pathlib import Path
import numpy as np, torch, torch.nn as nn
from fastai.callback.core import Callback
from fastcore.script import call_parse
from fastai.callback.schedule import ParamScheduler, combined_cos
from detaux_nb.data import Shapes3DTwin, shapes3d_split, to_tensor_images
from detaux_nb.disentangler import conv_encoder, encode
from detaux_nb.metrics import probe_subspaces
from detaux_nb.twin import TWIN_PAPER, ProbeCallback, heldout_twin_idx, merge_preset, train_twin

BASE = dict(TWIN_PAPER, size=32, arch='conv32', mode='forced', n_train=20_000, n_epoch=12, lr=2e-3, noise=0.,
            loss_kw=dict(lambda_dist=1.0, lambda_sp=1e-3, lambda_cons=1., lambda_reg=1e-4, n_mix=16),
            schedule_kw=dict(rec_only=0.05, t1=0.15, t2=0.3, rate=25.))   # the quick preset of sessions 1-2

def supervised_calibration(steps, size=32, seed=0):
    torch.manual_seed(seed); rng = np.random.default_rng(seed)
    ds = Shapes3DTwin(size); train_idx, _ = shapes3d_split(ds)
    xt, ft = ds.batch(heldout_twin_idx(ds, 2000, seed=1))
    xt, yt = to_tensor_images(xt), torch.from_numpy(ft[:, 3])
    enc, head = conv_encoder(size, 3, 10, 32), nn.Linear(10, 8)
    opt = torch.optim.Adam([*enc.parameters(), *head.parameters()], 2e-3)
    t0 = time.time()
    for step in range(1, steps + 1):
        x, f = ds.batch(np.sort(rng.choice(train_idx, 64)))
        loss = nn.functional.cross_entropy(head(enc(to_tensor_images(x))), torch.from_numpy(f[:, 3]))
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 500 == 0:
            with torch.no_grad(): acc = (head(enc(xt)).argmax(1) == yt).float().mean().item()
            print(f"supervised step {step} ({time.time() - t0:.0f} s): held-out scale accuracy {acc:.3f}", flush=True)

class HingeAnneal(Callback):
    "Hinge weight moved linearly from `a` to `b` over training (a trial, not a package option)"
    def __init__(self, a, b): self.a, self.b = a, b
    def before_batch(self):
        if self.training: self.learn.loss_func.hinge_weight = self.a + (self.b - self.a) * self.pct_train

def trial(name, over, out, one_cycle=None, hinge_anneal=None):
    cfg = merge_preset(BASE, over)
    ds = Shapes3DTwin(size=cfg['size'])
    probe = ProbeCallback(ds.subset(heldout_twin_idx(ds, 2000, seed=1)), 'scale')
    cbs = [probe]
    if one_cycle is not None:   # fastai's one-cycle schedule (what `fit_one_cycle` adds), peak at the preset's lr
        lr = cfg['lr']
        cbs.append(ParamScheduler({'lr': combined_cos(one_cycle, lr / 25, lr, lr / 1e5), 'mom': combined_cos(one_cycle, 0.95, 0.85, 0.95)}))
    if hinge_anneal: cbs.append(HingeAnneal(*hinge_anneal))
    t0 = time.time()
    learn = train_twin(cfg, ds=ds, progress=False, cbs=cbs)
    seconds = time.time() - t0 - probe.seconds
    sub = ds.subset(heldout_twin_idx(ds, 10_000, 0))
    Z = encode(learn.model, sub, progress=False)
    acc = probe_subspaces(Z, sub.factors, ds.names)
    whole = probe_subspaces(Z.reshape(len(Z), 1, -1), sub.factors[:, [3]], ['scale']).iloc[0, 0]
    curve = probe.df.query('subspace == 0').acc.round(3).tolist()
    res = dict(name=name, cfg=cfg, one_cycle=one_cycle, hinge_anneal=hinge_anneal, seconds=round(seconds), z0_scale=acc.loc[0, 'scale'],
               others=acc.loc[1:, 'scale'].mean(), all_scale=whole, curve=curve, acc=acc.round(3).to_dict())
    out.mkdir(parents=True, exist_ok=True)
    (out / f'{name}.json').write_text(json.dumps(res, indent=1, default=str))
    torch.save(learn.model.state_dict(), out / f'{name}.pth')
    print(f"{name}: {seconds:.0f} s training, scale probe subspace 0 = {res['z0_scale']:.3f}, mean of subspaces 1-9 = "
          f"{res['others']:.3f}, whole code = {whole:.3f}; per-epoch subspace 0: {curve}")
    print(acc.round(2))

@call_parse
def main(name:str,                  # trial name (NAME.json and NAME.pth in `out`)
         overrides:str,             # JSON dict of preset keys to change
         out:Path=Path('twin_trials'), # output folder
         one_cycle:float=None,      # fastai's one-cycle lr schedule with this pct_start
         hinge_anneal:str=None,     # 'FROM,TO': hinge weight moved linearly over training
         supervised:int=None):      # supervised calibration for this many steps instead
    "Train the twin disentangler with the earlier quick preset plus overrides and probe every subspace"
    if supervised: return supervised_calibration(supervised)
    trial(name, json.loads(overrides), Path(out), one_cycle, tuple(map(float, hinge_anneal.split(','))) if hinge_anneal else None)
