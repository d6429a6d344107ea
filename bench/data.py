"""Data-layer benchmark (issue 2).

(a) twin rendering throughput at 64 px on one core, (b) pair-batch throughput of `pair_dls` against a
per-item baseline that samples pairs the way the reference code does (draw the first image, build the
list of candidate second images by label with a list comprehension, pick one, collate items), and
(c) peak RSS while iterating once over a 3dshapes-format h5 file of 480,000 images written to a temp folder.

Run: `OMP_NUM_THREADS=1 python bench/data.py [--n-h5 480000]`
"""
import os, random, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, torch
from fastcore.script import call_parse

def render_throughput(n=20_000, bs=4096):
    from detaux_nb.data import Shapes3DTwin
    tw = Shapes3DTwin(64)
    rng = np.random.default_rng(0)
    tw.batch(rng.integers(0, len(tw), bs))  # warm-up
    t, c = time.perf_counter(), time.process_time()
    for i in range(0, n, bs): tw.batch(rng.integers(0, len(tw), min(bs, n - i)))
    return n/(time.perf_counter() - t), n/(time.process_time() - c)

def pair_throughput(n_batches=30, bs=32):
    from detaux_nb.data import Shapes3DTwin, pair_dls
    tw = Shapes3DTwin(64)
    dls = pair_dls(tw, 'scale', p=0.5, bs=bs, n_train=n_batches*bs, n_valid=bs, noise=0.08, device='cpu')
    next(iter(dls.train))
    t = time.perf_counter(); nb = sum(1 for _ in dls.train)
    fast = nb*bs/(time.perf_counter() - t)
    # Baseline: the reference's per-item sampling and default collation
    labels = tw.factors[:, 3].tolist(); n = len(labels); rnd = random.Random(0)
    def item():
        i = rnd.randrange(n); y = labels[i]
        same = rnd.random() >= 0.5
        cands = [j for j in range(n) if (labels[j] == y) == same]
        j = rnd.choice(cands)
        x1, x2 = tw[i][0], tw[j][0]
        f = lambda x: torch.from_numpy(x).permute(2, 0, 1).float()/255
        return f(x1), f(x2), labels[i], labels[j]
    nb_base = 2
    t = time.perf_counter()
    for _ in range(nb_base): torch.utils.data.default_collate([item() for _ in range(bs)])
    base = nb_base*bs/(time.perf_counter() - t)
    return fast, base

def h5_peak_rss(n):
    "Write a 3dshapes-format file of n images (twin renders), then iterate it in a fresh process and report its peak RSS"
    import h5py
    from detaux_nb.data import Shapes3DTwin
    d = Path(tempfile.mkdtemp()); path = d/'3dshapes.h5'
    tw = Shapes3DTwin(64)
    with h5py.File(path, 'w') as f:
        im = f.create_dataset('images', (n, 64, 64, 3), np.uint8, chunks=(100, 64, 64, 3))
        lb = f.create_dataset('labels', (n, 6), np.float64)
        for i in range(0, n, 10_000):
            j = min(n, i + 10_000); im[i:j] = tw.batch(np.arange(i, j))[0]; lb[i:j] = tw.factors[i:j]
    code = f"""
import resource, numpy as np
from detaux_nb.data import task_dls
from detaux_nb.images import load_shapes3d
ds = load_shapes3d({str(path)!r})
dls = task_dls(ds, ['scale'], train_idx=np.arange(len(ds)), valid_pct=0.01, bs=512, device='cpu')
dls.train.dataset.shuffle = False  # one sequential pass, as a data scan would
n = sum(len(b[0]) for b in dls.train)
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)
"""
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split()
    size = path.stat().st_size
    path.unlink(); d.rmdir()
    return int(out[0]), float(out[1]), size/2**30

@call_parse
def main(n_h5:int=480_000): # images in the 3dshapes-format h5 file written for (c)
    "Data throughput: twin rendering, pair batches, and the peak memory of iterating a 3dshapes h5 file"
    torch.set_num_threads(1)
    r, rc = render_throughput()
    print(f"(a) twin render 64px, 1 thread: {r:,.0f} images/s wall clock, {rc:,.0f} images per CPU-second (target >= 20,000)")
    fast, base = pair_throughput()
    print(f"(b) pair batches: pair_dls {fast:,.0f} pairs/s, per-item baseline {base:,.1f} pairs/s, ratio={fast/base:.1f} (target >= 20)")
    n, rss, gb = h5_peak_rss(n_h5)
    print(f"(c) iterated {n:,} images of a {gb:.2f} GiB 3dshapes-format h5: peak RSS {rss:,.0f} MiB (target < 1536 MiB)")
