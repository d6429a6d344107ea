"""Time one optimisation step of the disentangler (issue 3).

(a) reconstruction only, (b) the full Detaux loss as `detaux_nb.disentangler` implements it (batched projectors,
vectorised terms), (c) the same loss written the straightforward way - Python loops over subspaces and pairs as
the reference implementation writes it, `K` separate projector modules - on the plain model (float32, default memory format).
Same model weights, batch and loss seed for every variant; prints the median step time of each (after warm-up,
rounds interleaved so that load on the shared machine hits every variant alike), the ratios b/a and c/b, and checks
that (b) and (c) give the same loss value.

    OMP_NUM_THREADS=2 python bench/disentangler.py [--arch conv64] [--bs 32] [--n 30]
"""
import copy, os, statistics, time
import torch, torch.nn as nn, torch.nn.functional as F
from fastcore.script import call_parse
from detaux_nb.disentangler import Disentangler, DetauxLoss

def loop_projectors(m):
    "The reference's K separate projector MLPs, with the weights of the batched ones"
    K, d = m.K, m.d
    mods = nn.ModuleList()
    for k in range(K):
        l1, l2 = nn.Linear(d, d), nn.Linear(d, d)
        with torch.no_grad():
            l1.weight.copy_(m.projector.weight[0, k].T); l1.bias.copy_(m.projector.bias[0, k])
            l2.weight.copy_(m.projector.weight[1, k].T); l2.bias.copy_(m.projector.bias[1, k])
        mods.append(nn.Sequential(l1, nn.ReLU(), l2))
    return mods

class PlainModel(nn.Module):
    "The reference way: encoder, a Python list of K projectors, decoder of the summed codes"
    def __init__(self, m):
        super().__init__()
        self.encoder, self.decoder, self.projectors = copy.deepcopy(m.encoder), copy.deepcopy(m.decoder), loop_projectors(m)
    def embed(self, x):
        h = self.encoder(x)
        return [p(h) for p in self.projectors]              # list of K (N, d)
    def decode(self, zs):
        s = zs[0]
        for z in zs[1:]: s = s + z
        return self.decoder(s)

def loop_loss(model, x1, x2, y1, y2, gen, lam=dict(dist=0.1, sp=0.1, cons=100., reg=1e-4), betas=(1., 1., 1.)):
    "The reference loss written out with loops over subspaces and pairs (forced oracle, reference distribution term)"
    x = torch.cat([x1, x2]); B = x1.shape[0]
    zs = model.embed(x); K = len(zs)
    rec = F.mse_loss(model.decode(zs), x)
    # sparsity: for every subspace k, |z_k * sum_{l != k} z_l|
    sp = 0
    for k in range(K):
        others = sum(zs[l] for l in range(K) if l != k)
        sp = sp + (zs[k] * others).abs()
    sp = sp.mean()
    # distances within each pair and subspace; mean unsquared distance over all image pairs per subspace
    dist = torch.stack([torch.stack([(zs[k][b] - zs[k][B + b]).pow(2).sum() for k in range(K)]) for b in range(B)])
    with torch.no_grad():
        mean_dist = torch.stack([torch.cdist(zs[k][None], zs[k][None], compute_mode='donot_use_mm_for_euclid_dist').mean() for k in range(K)]) + 1e-8
    rows = []
    for b in range(B):                                     # forced oracle, pair by pair
        if y1[b] != y2[b]: j = 0
        else: j = 1 + int(torch.argmax(dist[b, 1:].detach() / mean_dist[1:]))
        rows.append(F.one_hot(torch.tensor(j), K).float())
    onehot = torch.stack(rows)
    m = 1 - onehot
    Ld = (dist * m).mean() + (10 * F.relu(0.05 - dist * (1 - m))).mean()
    reg = 100 * sum((1 / K - onehot[:, k].mean()) ** 2 for k in range(K)) / K
    # consistency: all K*B swap codes, a random 2B of them decoded and re-encoded
    mixes = []
    for i in range(K):
        for b in range(B):
            mixes.append([zs[k][b] if k == i else zs[k][B + b] for k in range(K)])
    pick = torch.randperm(K * B, generator=gen)[:2 * B]
    chosen = [mixes[int(p)] for p in pick]
    mixed = [torch.stack([c[k] for c in chosen]) for k in range(K)]
    re = model.embed(model.decode(mixed))
    cons = sum(F.mse_loss(re[k], mixed[k], reduction='sum') for k in range(K)) / (len(chosen) * K * zs[0].shape[1])
    b1, b2, b3 = betas
    return rec + b1 * (lam['dist'] * Ld + lam['sp'] * sp) + b2 * lam['cons'] * cons + b3 * lam['reg'] * reg

@call_parse
def main(arch:str='conv64',          # architecture
         bs:int=32,                  # pairs per step
         n:int=30,                   # timed steps per variant
         warmup:int=5,               # untimed steps first
         device:str='cpu',           # torch device
         no_channels_last:bool=False): # keep (a) and (b) in the default memory format
    "Time one optimisation step: reconstruction only, the full Detaux loss, and the loss written with loops"
    torch.manual_seed(0)
    dev = torch.device(device)
    m = Disentangler(arch, K=10, d=10).to(dev)
    plain = PlainModel(m).to(dev)                          # reference way: plain float32, default memory format
    if not no_channels_last: m.to_channels_last()        # (a) and (b): the library's default, channels-last
    S = m.size
    x1, x2 = torch.rand(bs, 3, S, S, device=dev), torch.rand(bs, 3, S, S, device=dev)
    y1 = torch.randint(0, 8, (bs,), device=dev); y2 = torch.where(torch.rand(bs, device=dev) < 0.5, y1, (y1 + 1) % 8)

    # the same loss value on the same inputs, weights and seed
    lf = DetauxLoss(m, seed=0); lf.beta1 = lf.beta2 = lf.beta3 = 1.
    vb = lf(m(x1, x2), y1, y2).item()
    vc = loop_loss(plain, x1, x2, y1, y2, torch.Generator().manual_seed(0)).item()
    same = abs(vb - vc) <= 1e-5
    print(f"loss (b) = {vb:.7f}  loss (c) = {vc:.7f}  |b-c| = {abs(vb - vc):.2e}  {'OK' if same else 'MISMATCH'} (tolerance 1e-5)")

    opt_m = torch.optim.Adam(m.parameters(), lr=5e-4, weight_decay=1e-6)
    opt_p = torch.optim.Adam(plain.parameters(), lr=5e-4, weight_decay=1e-6)
    gen = torch.Generator().manual_seed(1)
    def step_a():
        xh, z, x = m(x1, x2); loss = F.mse_loss(xh, x)
        opt_m.zero_grad(); loss.backward(); opt_m.step()
    def step_b():
        loss = lf(m(x1, x2), y1, y2)
        opt_m.zero_grad(); loss.backward(); opt_m.step()
    def step_c():
        loss = loop_loss(plain, x1, x2, y1, y2, gen)
        opt_p.zero_grad(); loss.backward(); opt_p.step()
    steps = dict(a=step_a, b=step_b, c=step_c)
    sync = (lambda: torch.cuda.synchronize()) if dev.type == 'cuda' else (lambda: None)
    times = {k: [] for k in steps}
    for i in range(warmup + n):                       # interleaved rounds
        for k, f in steps.items():
            sync(); t0 = time.perf_counter(); f(); sync()
            if i >= warmup: times[k].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    names = dict(a='reconstruction only', b='full Detaux loss (detaux_nb)', c='full loss, loops (reference way)')
    print(f"\n{arch}, batch {bs} pairs, {device}, (a)/(b) channels-last={not no_channels_last}, torch threads {torch.get_num_threads()}, median of {n} steps after {warmup} warm-up")
    print(f"{'variant':<36}{'ms/step':>10}{'IQR ms':>16}")
    for k in steps:
        q = statistics.quantiles(times[k], n=4)
        print(f"({k}) {names[k]:<32}{med[k]:>10.2f}{q[0]*1e3:>8.2f}-{q[2]*1e3:.2f}")
    print(f"\nb/a={med['b'] / med['a']:.2f}  c/b={med['c'] / med['b']:.2f}  loss_equal={same}")

