"""Issue 22: do the presets' disentanglers reconstruct? Test-split MSE against a reconstruction-only autoencoder.

For every run folder that `bench/discovered.py` left (`<mode>_s<seed>_...`: the quick pipeline's disentangler for
label, near or forced pairs and a seed), the test-split reconstruction MSE of its model on 2,000 images of the twin's test
split (`heldout_twin_idx`, seed 0), against the same architecture trained with the same preset, pairs, epochs and
seed but every loss term beside the reconstruction at weight 0 (cached under artifact_dir('bench')/recon, named by
the run and a digest of those settings). Prints

    mode= seed= mse= recon_only_mse= ratio=

and last `ratio_max=` (target: <= 1.5).

    OMP_NUM_THREADS=2 python bench/recon.py
"""
import json
from pathlib import Path
import numpy as np, torch
import torch.nn.functional as F
from fastcore.script import call_parse
from detaux_nb.core import artifact_dir, atomic_write
from detaux_nb.data import Shapes3DTwin, shapes3d_split
from detaux_nb.disentangler import Disentangler, _as_float_nchw
from detaux_nb.twin import _preset_key, heldout_twin_idx, merge_preset, train_disentangler
from detaux_nb.pipeline import DetauxConfig, _preset_of

ZERO = dict(lambda_dist=0., lambda_sp=0., lambda_cons=0., lambda_reg=0., lambda_principal=0., lambda_iso=0., lambda_var=0.)

def test_mse(model, ds, idx, bs=250):
    model.eval(); out = []
    with torch.no_grad():
        for i in range(0, len(idx), bs):
            x = _as_float_nchw(ds.batch(idx[i:i + bs])[0], 3)
            out.append(F.mse_loss(model(x)[0], x, reduction='sum').item())
    return sum(out) / (len(idx) * 3 * ds.img_shape[0] * ds.img_shape[1])

@call_parse
def main(runs:str=None):   # folder of bench/discovered.py's run folders (default: artifact_dir('bench')/discovered)
    root = artifact_dir('bench')/'discovered' if runs is None else Path(runs)
    ds = Shapes3DTwin(32)
    train, _ = shapes3d_split(ds)
    idx = heldout_twin_idx(ds, 2000, seed=0)
    ratios = []
    for run in sorted(p for p in root.iterdir() if (p/'disentangler'/'model.pth').exists() and p.name.count('_') == 1):
        p = _preset_of(DetauxConfig.load(run/'config.json'))   # the preset the run trained with (arch resolved)
        mode, seed = run.name.split('_')[0], int(run.name.split('_')[1][1:])
        model = Disentangler(p['arch'], K=p['K'], d=p['d'], size=p['size'], width=p['width'])
        model.load_state_dict(torch.load(run/'disentangler'/'model.pth', map_location='cpu', weights_only=True))
        cfg = merge_preset(p, dict(loss_kw=ZERO))
        cache = artifact_dir('bench')/'recon'/f"{run.name}_{_preset_key(cfg)}_recon_only.pth"   # one per preset and seed
        base = Disentangler(p['arch'], K=p['K'], d=p['d'], size=p['size'], width=p['width'])
        if cache.exists(): base.load_state_dict(torch.load(cache, map_location='cpu', weights_only=True))
        else:
            learn = train_disentangler(ds, 'scale', train, cfg, progress=False)
            base.load_state_dict({k: v.contiguous() for k, v in learn.model.state_dict().items()})
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cache, lambda tmp: torch.save(base.state_dict(), tmp))
        m, b = test_mse(model, ds, idx), test_mse(base, ds, idx)
        ratios.append(m / b)
        print(f"mode={mode} seed={seed} mse={m:.5f} recon_only_mse={b:.5f} ratio={m / b:.3f}", flush=True)
    print(f"ratio_max={max(ratios):.3f}")
