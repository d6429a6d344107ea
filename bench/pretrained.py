"""Cost of one training step of each multi-task trunk, against the small CNN measured in the same run.

    OMP_NUM_THREADS=1 python bench/pretrained.py [--sizes 32,64] [--reps 5] [--steps 3] [--bs 32] [--threads 1]

A step is what `mtl_learner` does per batch: forward through the `MultiTaskNet` (two heads), the summed
cross-entropy, backward, AdamW step. The trunks: `small` (the baseline), `resnet18` and `vgg16` (torchvision,
random weights: the cost does not depend on them), and `efficientnet_lite0` (the pretrained trunk, needs the
`pretrained` extra) in both phases of fastai's `fine_tune`: `frozen` (after `learn.freeze()`: the trunk's
convolutions frozen, its batch norm still training, as fastai's `train_bn` does) and `unfrozen` (everything
trains). Each rep times `steps` steps of every trunk back to back, the order rotating from rep to rep, so a change
of the machine's speed hits all alike; the ratio printed is the median over reps of (trunk time / small time)
within the rep. Images are random: the cost of a step does not depend on them.
"""
import time, warnings
warnings.filterwarnings('ignore')
import numpy as np, torch
from fastai.data.core import DataLoaders
from fastcore.script import call_parse
from torch.utils.data import TensorDataset
from detaux_nb.mtl import mtl_learner

class _TDS(TensorDataset): n_inp = 1

def make_step(backbone, size, bs, frozen=False):
    "A function running one training step of `mtl_learner`'s network and optimiser on a fixed random batch"
    x, y1, y2 = torch.rand(bs, 3, size, size), torch.randint(0, 4, (bs,)), torch.randint(0, 3, (bs,))
    ds = _TDS(x, y1, y2)
    dls = DataLoaders.from_dsets(ds, ds, bs=bs, device='cpu')
    dls.tasks, dls.n_classes = ['principal', 'aux'], [4, 3]
    learn = mtl_learner(dls, backbone=backbone, lr=1e-4, seed=0, progress=False)
    learn.create_opt()
    if frozen: learn.freeze()      # fastai's frozen phase: trunk group frozen except its norm layers
    else: learn.unfreeze()
    model, opt, lf = learn.model.train(), learn.opt, learn.loss_func
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    def step():
        loss = lf(model(x), y1, y2)
        loss.backward(); opt.step(); opt.zero_grad()
    return step, n_train

@call_parse
def main(sizes:str='32,64', # image sides
         reps:int=5, # timed reps (after one warm-up step of each trunk)
         steps:int=3, # training steps per trunk per rep
         bs:int=32, # batch size
         threads:int=1, # torch threads
         trunks:str='small,resnet18,vgg16,efficientnet_lite0:frozen,efficientnet_lite0'): # trunks timed; the first is the baseline
    "Seconds per training step of each trunk at each size, and the median paired ratio to the first trunk (the small CNN)"
    torch.set_num_threads(threads)
    names = trunks.split(',')
    print(f'batch {bs}, {threads} thread(s), {reps} reps x {steps} steps; ratio = median over reps of (trunk / {names[0]}) in the same rep')
    print(f"{'trunk':28s} {'px':>4s} {'trainable':>11s} {'s/step':>8s} {'ratio':>7s}")
    for size in [int(s) for s in sizes.split(',')]:
        fns = {}
        for n in names:
            bb, _, phase = n.partition(':')
            fns[n] = make_step(bb, size, bs, frozen=phase == 'frozen')
            fns[n][0]()                                   # warm-up
        times = {n: [] for n in names}
        for r in range(reps):
            order = names[r % len(names):] + names[:r % len(names)]
            for n in order:
                t0 = time.perf_counter()
                for _ in range(steps): fns[n][0]()
                times[n].append((time.perf_counter() - t0) / steps)
        base = np.array(times[names[0]])
        for n in names:
            t = np.array(times[n])
            print(f'{n:28s} {size:4d} {fns[n][1]:11,d} {np.median(t):8.4f} {np.median(t / base):7.1f}')
