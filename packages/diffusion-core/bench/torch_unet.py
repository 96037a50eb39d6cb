"""
The same U-Net as @meddiff/diffusion-core's UNet, built from its UNetConfig JSON in PyTorch, and the
same training step (epsilon-MSE diffusion loss, Adam), timed on the CPU: the reference a user would
otherwise pick. Used by bench/training.ts; prints one JSON line.

Usage: python3 torch_unet.py '<UNetConfig JSON>' <size> <batch> <steps> <threads>
Needs Debian's python3-torch (CPU). Reference only: nothing here ships.
"""
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class GroupNorm(nn.GroupNorm):
    def __init__(self, groups, channels):
        super().__init__(groups, channels, eps=1e-5)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, c):
        super().__init__()
        self.norm1, self.conv1 = GroupNorm(c["groups"], cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.scale_shift = c["embeddingInjection"] == "scale-shift"
        self.proj = nn.Linear(emb, 2 * cout if self.scale_shift else cout) if emb else None
        self.norm2, self.conv2 = GroupNorm(c["groups"], cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.drop = nn.Dropout(c["dropout"])
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        p = self.proj(e)[:, :, None, None] if self.proj is not None else None
        if p is not None and not self.scale_shift:
            h = h + p
        h = self.norm2(h)
        if p is not None and self.scale_shift:
            s, b = p.chunk(2, dim=1)
            h = h * (1 + s) + b
        return self.skip(x) + self.conv2(self.drop(F.silu(h)))


class Attention(nn.Module):
    def __init__(self, ch, c):
        super().__init__()
        self.heads, self.norm = c["numHeads"], GroupNorm(c["groups"], ch)
        self.qkv, self.proj = nn.Linear(ch, 3 * ch), nn.Linear(ch, ch)

    def forward(self, x):
        b, ch, h, w = x.shape
        t = self.norm(x).permute(0, 2, 3, 1).reshape(b, h * w, ch)
        q, k, v = self.qkv(t).reshape(b, h * w, 3, self.heads, ch // self.heads).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(ch // self.heads), dim=-1) @ v
        out = self.proj(a.permute(0, 2, 1, 3).reshape(b, h * w, ch))
        return x + out.reshape(b, h, w, ch).permute(0, 3, 1, 2)


class UNet(nn.Module):
    """Mirrors buildUNetModel in src/nn/unet.ts: same blocks, same order, same skips."""

    def __init__(self, c):
        super().__init__()
        base, mults = c["baseChannels"], c["channelMultipliers"]
        self.c, emb = c, (4 * base if (c["timeEmbedding"] or c["conditionDim"]) else 0)
        if c["timeEmbedding"]:
            self.time = nn.Sequential(nn.Linear(base, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.inp = nn.Conv2d(c["inChannels"], base, 3, padding=1)
        self.down, skips, ch = nn.ModuleList(), [base], base
        for level, m in enumerate(mults):
            blocks = nn.ModuleList()
            for _ in range(c["numResBlocks"][level]):
                res = ResBlock(ch, base * m, emb, c); ch = base * m
                blocks.append(nn.ModuleList([res, Attention(ch, c) if c["attentionLevels"][level] else nn.Identity()]))
                skips.append(ch)
            down = nn.Conv2d(ch, ch, 3, stride=2, padding=1) if level < len(mults) - 1 else nn.Identity()
            if level < len(mults) - 1: skips.append(ch)
            self.down.append(nn.ModuleList([blocks, down]))
        self.mid = nn.ModuleList([ResBlock(ch, ch, emb, c), Attention(ch, c), ResBlock(ch, ch, emb, c)])
        self.up = nn.ModuleList()
        for level in reversed(range(len(mults))):
            blocks = nn.ModuleList()
            for _ in range(c["numResBlocks"][level] + 1):
                res = ResBlock(ch + skips.pop(), base * mults[level], emb, c); ch = base * mults[level]
                blocks.append(nn.ModuleList([res, Attention(ch, c) if c["attentionLevels"][level] else nn.Identity()]))
            up = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch, ch, 3, padding=1)) if level > 0 else nn.Identity()
            self.up.append(nn.ModuleList([blocks, up]))
        self.out = nn.Sequential(GroupNorm(c["groups"], ch), nn.SiLU(), nn.Conv2d(ch, c["outChannels"], 3, padding=1))

    def embed(self, t):
        half = self.c["baseChannels"] // 2
        f = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        a = t.float()[:, None] * f[None]
        return F.silu(self.time(torch.cat([torch.cos(a), torch.sin(a)], dim=1)))

    def forward(self, x, t):
        e = self.embed(t)
        h = self.inp(x)
        hs = [h]
        for blocks, down in self.down:
            for res, attn in blocks:
                h = attn(res(h, e)); hs.append(h)
            if not isinstance(down, nn.Identity):
                h = down(h); hs.append(h)
        h = self.mid[2](self.mid[1](self.mid[0](h, e)), e)
        for blocks, up in self.up:
            for res, attn in blocks:
                h = attn(res(torch.cat([h, hs.pop()], dim=1), e))
            h = up(h)
        return self.out(h)


def main():
    c, size, batch, steps, threads = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = UNet(c)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    betas = torch.linspace(1e-4, 0.02, 2000, dtype=torch.float64)
    abar = torch.cumprod(1 - betas, 0).float()
    x0 = torch.rand(batch, c["inChannels"] - 1, size, size) * 2 - 1
    cond = torch.rand(batch, 1, size, size) * 2 - 1
    times = []
    for i in range(steps + 2):
        t0 = time.perf_counter()
        t = torch.randint(0, 2000, (batch,))
        noise = torch.randn_like(x0)
        a = abar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = F.mse_loss(net(torch.cat([xt, cond], 1), t), noise)
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step(); loss.item()
        if i >= 2: times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({"torch": torch.__version__, "threads": threads, "params": params, "median_step_ms": 1000 * times[len(times) // 2]}))


main()
