"""GPU check (issue 8): training throughput and peak GPU memory of both Detaux stages on the 64 px twin.

Runs, each for a fixed number of timed optimiser steps after a few warm-up steps:
  1. the disentangler (conv64, the reference model, K = d = 10) at the paper's batch of 32 pairs,
  2. the same at a larger batch (default 256 pairs),
  3. the multi-task stage (VGG16 trunk, principal + auxiliary head) at batch 32,
and, for each, the data loader alone over the same batches (to see whether a run is bound by data).
The disentangler is timed in its most expensive phase: every loss term on, consistency included. On CUDA the
package's defaults apply: mixed precision (fastai `to_fp16`) and channels-last convolutions.
Printed: a table of images/s, seconds and peak GPU memory, and the larger batch's throughput as a ratio of the
paper batch's (baseline: run 1, measured in the same run).

GPU:        python bench/gpu_check.py                      (stops with an error when no CUDA device is present)
CPU smoke:  OMP_NUM_THREADS=1 python bench/gpu_check.py --cpu   (tiny step counts and batches; checks the code path)
"""
import sys, time

import numpy as np
import torch
from fastcore.script import call_parse


def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)


def reset_peak(dev):
    if dev.type == 'cuda': torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats(dev)


def peak_mib(dev):
    return torch.cuda.max_memory_allocated(dev) / 2**20 if dev.type == 'cuda' else float('nan')


def make_timer(warmup, dev):
    "A fastai callback timing the training batches after `warmup` of them (CUDA synchronised)"
    from fastai.callback.core import Callback

    class StepTimer(Callback):
        order = 99
        def before_fit(self): self.n, self.t0, self.seconds = 0, None, None
        def after_batch(self):
            if not self.training: return
            self.n += 1
            if self.n == warmup: sync(dev); self.t0 = time.perf_counter()
        def after_train(self):
            sync(dev)
            if self.t0 is not None: self.seconds = time.perf_counter() - self.t0
    return StepTimer()


def data_only(dl, n_batches, warmup, dev):
    "Seconds to produce `n_batches` batches on `dev` after `warmup` batches (loader alone)"
    it, t0 = iter(dl), None
    for i in range(warmup + n_batches):
        if i == warmup: sync(dev); t0 = time.perf_counter()
        next(it)
    sync(dev)
    return time.perf_counter() - t0


def disentangler_run(ds, bs, steps, warmup, dev, workers):
    from detaux_nb.data import pair_dls, shapes3d_split
    from detaux_nb.disentangler import disentangler_learner
    from detaux_nb.twin import TWIN_PAPER
    cfg = TWIN_PAPER
    train_idx, test_idx = shapes3d_split(ds)
    dls = pair_dls(ds, principal='scale', mode=cfg['mode'], p=cfg['p'], bs=bs, n_train=(steps + warmup) * bs,
                   n_valid=bs, train_idx=train_idx, valid_idx=test_idx, noise=cfg['noise'], seed=0, device=dev,
                   num_workers=workers)
    torch.manual_seed(0)
    learn = disentangler_learner(dls, arch='conv64', K=cfg['K'], d=cfg['d'], width=cfg['width'], lr=cfg['lr'], wd=cfg['wd'],
                                 loss_kw=cfg['loss_kw'], schedule_kw=dict(rec_only=0., t1=0., t2=0.),  # every term on
                                 cbs=[make_timer(warmup, dev)])
    learn.model.to(dev)
    reset_peak(dev)
    with learn.no_bar(), learn.no_logging(): learn.fit(1)
    timer = next(c for c in learn.cbs if type(c).__name__ == 'StepTimer')
    loss = float(learn.recorder.losses[-1])
    t_data = data_only(dls.train, steps, warmup, dev)
    return dict(run=f'disentangler bs {bs} pairs', batch=bs, images_per_step=2 * bs, steps=steps, seconds=timer.seconds,
                images_s=2 * bs * steps / timer.seconds, data_images_s=2 * bs * steps / t_data, peak_gpu_mib=peak_mib(dev),
                final_loss=loss, amp=any(type(c).__name__ == 'MixedPrecision' for c in learn.cbs))


def mtl_run(ds, bs, steps, warmup, dev, workers):
    from detaux_nb.data import shapes3d_split, subsample, task_dls
    from detaux_nb.mtl import mtl_learner
    train_idx, test_idx = shapes3d_split(ds)
    n = (steps + warmup) * bs
    pool = n
    while pool - max(1, int(round(pool * 0.1))) < n: pool += 1   # the training part after task_dls' 10% carve
    pick = subsample(train_idx, pool, 0)
    f = ds.factors
    dls = task_dls(ds, {'principal': f[:, ds.factor_index('scale')], 'aux': f[:, ds.factor_index('shape')]},
                   train_idx=pick, bs=bs, seed=0, device=dev, num_workers=workers)
    learn = mtl_learner(dls, backbone='vgg16', lr=1e-4, wd=5e-3, monitor='', seed=0, cbs=[make_timer(warmup, dev)])
    if dev.type == 'cuda': learn.to_fp16()
    reset_peak(dev)
    with learn.no_bar(), learn.no_logging(): learn.fit(1)
    timer = next(c for c in learn.cbs if type(c).__name__ == 'StepTimer')
    loss = float(learn.recorder.losses[-1])
    t_data = data_only(dls.train, steps, warmup, dev)
    return dict(run=f'mtl vgg16 bs {bs}', batch=bs, images_per_step=bs, steps=steps, seconds=timer.seconds,
                images_s=bs * steps / timer.seconds, data_images_s=bs * steps / t_data, peak_gpu_mib=peak_mib(dev),
                final_loss=loss, amp=any(type(c).__name__ == 'MixedPrecision' for c in learn.cbs))


@call_parse
def main(cpu:bool=False,     # smoke test on CPU with tiny step counts
         steps:int=None,     # timed disentangler steps per batch size (GPU default 150, CPU 3)
         mtl_steps:int=None, # timed MTL steps (GPU default 150, CPU 2)
         warmup:int=None,    # untimed steps first (GPU default 10, CPU 1)
         bs:int=32,          # the paper's batch (pairs)
         big_bs:int=None,    # the larger batch (pairs; GPU default 256, CPU 8)
         mtl_bs:int=None,    # MTL batch (images; GPU default 32, CPU 8)
         workers:int=0):     # DataLoader worker processes
    "GPU check: training throughput and peak GPU memory of both Detaux stages on the 64 px twin"
    if cpu:
        dev = torch.device('cpu')
        steps, mtl_steps, warmup = steps or 3, mtl_steps or 2, warmup or 1
        bs, big, mtl_bs = (bs if bs != 32 else 4), big_bs or 8, mtl_bs or 8
    else:
        if not torch.cuda.is_available(): sys.exit("no CUDA device: run on a GPU, or pass --cpu for a smoke test")
        dev = torch.device('cuda', torch.cuda.current_device())
        steps, mtl_steps, warmup = steps or 150, mtl_steps or 150, warmup or 10
        big, mtl_bs = big_bs or 256, mtl_bs or 32
    torch.backends.cudnn.benchmark = dev.type == 'cuda'
    from detaux_nb.data import Shapes3DTwin
    ds = Shapes3DTwin(size=64)
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'CPU ({torch.get_num_threads()} threads)'
    print(f"device: {name}; torch {torch.__version__}; 64 px twin; warm-up {warmup} steps", flush=True)
    t0 = time.perf_counter()
    rows = []
    for b in (bs, big):
        rows.append(disentangler_run(ds, b, steps, warmup, dev, workers)); print(rows[-1]['run'], 'done', flush=True)
    rows.append(mtl_run(ds, mtl_bs, mtl_steps, warmup, dev, workers)); print(rows[-1]['run'], 'done', flush=True)
    total = time.perf_counter() - t0
    hdr = f"{'run':<28}{'steps':>6}{'imgs/step':>10}{'seconds':>9}{'images/s':>10}{'data-only images/s':>20}{'peak GPU MiB':>14}{'amp':>6}{'final loss':>11}"
    mem = lambda m: f'{m:.0f}' if np.isfinite(m) else '-'
    print('\n' + hdr + '\n' + '-' * len(hdr))
    for r in rows:
        print(f"{r['run']:<28}{r['steps']:>6}{r['images_per_step']:>10}{r['seconds']:>9.2f}{r['images_s']:>10.0f}"
              f"{r['data_images_s']:>20.0f}{mem(r['peak_gpu_mib']):>14}{str(r['amp']):>6}{r['final_loss']:>11.4f}")
    for r in rows:
        if not np.isfinite(r['final_loss']): sys.exit(f"{r['run']}: the loss is not finite ({r['final_loss']})")
    print(f"\nratio: disentangler images/s at bs {big} / at bs {bs} (baseline, same run{'; the paper batch' if bs == 32 else ''}) = "
          f"{rows[1]['images_s'] / rows[0]['images_s']:.2f}x")
    print(f"total wall time {total:.1f} s")

