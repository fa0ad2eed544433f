#!/usr/bin/python3
"""PyTorch reference for Tessera's model pieces: writes small golden files that the Java parity tests load.

Run from the repository root:  /usr/bin/python3 model/src/test/python/golden.py
Writes model/src/test/resources/golden/*.safetensors (a few KB each, committed).

Weights are not stored: every parameter is defined by formula_param(name, shape) below, which Java reproduces
(dev.tessera.model.FormulaWeights), so the two sides share weights without a weights file. Inputs and expected
outputs are stored. This file mirrors the Java architecture line by line; it is the reference, never product code.
"""
import json
import math
import os
import struct
import zlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # compute the reference in double, store float32
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "golden")


# ---------------------------------------------------------------------------------------------------------------
# formula weights (mirrored by dev.tessera.model.FormulaWeights)
def formula_param(name, shape):
    n = 1
    for s in shape:
        n *= s
    phase = (zlib.crc32(name.encode("utf-8")) % 10007) / 10007.0 * 2.0 * math.pi
    i = torch.arange(n, dtype=torch.float64)
    wave = torch.sin(phase + 1.618 * i + 0.0013 * i * i)
    if len(shape) >= 2:
        fan_in = n // shape[0]
        v = wave / math.sqrt(fan_in)
    elif name.endswith("weight"):  # norm gains sit around one
        v = 1.0 + 0.1 * wave
    else:
        v = 0.1 * wave
    # round through float32 so both sides start from identical numbers
    return v.to(torch.float32).to(torch.float64).reshape(shape)


class P:
    """Parameter store keyed by stable dotted names."""

    def __init__(self):
        self.names = []

    def __call__(self, name, *shape):
        self.names.append(name)
        return formula_param(name, list(shape))


def write_safetensors(path, tensors, meta):
    header = {}
    blobs = []
    off = 0
    for k, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print(f"wrote {path} ({8 + len(h) + off} bytes)")


# ---------------------------------------------------------------------------------------------------------------
# VAE: causal 3D convolutions, per-frame group norm, time x4 / space x8
def causal_conv3d(p, name, x, cin, cout, k=3, stride=(1, 1, 1)):
    w = p(name + ".weight", cout, cin, k, k, k)
    b = p(name + ".bias", cout)
    if k > 1:
        # time: replicate the first frame k-1 times in front (causal: frame i sees only frames <= i)
        first = x[:, :, :1].expand(-1, -1, k - 1, -1, -1)
        x = torch.cat([first, x], dim=2)
        # space: zeros, symmetric
        x = F.pad(x, (k // 2, k // 2, k // 2, k // 2, 0, 0))
    return F.conv3d(x, w, b, stride=stride)


def frame_group_norm(p, name, x, groups, eps=1e-6):
    # normalise each frame on its own (over channels-in-group, height, width) so frame 0 never sees later frames
    B, C, T, H, W = x.shape
    g = p(name + ".weight", C)
    b = p(name + ".bias", C)
    y = x.permute(0, 2, 1, 3, 4).reshape(B * T, groups, C // groups * H * W)
    mean = y.mean(dim=2, keepdim=True)
    var = y.var(dim=2, unbiased=False, keepdim=True)
    y = (y - mean) / torch.sqrt(var + eps)
    y = y.reshape(B, T, C, H, W).permute(0, 2, 1, 3, 4)
    return y * g.view(1, C, 1, 1, 1) + b.view(1, C, 1, 1, 1)


def res_block(p, name, x, cin, cout, groups):
    h = F.silu(frame_group_norm(p, name + ".norm1", x, groups))
    h = causal_conv3d(p, name + ".conv1", h, cin, cout)
    h = F.silu(frame_group_norm(p, name + ".norm2", h, groups))
    h = causal_conv3d(p, name + ".conv2", h, cout, cout)
    skip = causal_conv3d(p, name + ".skip", x, cin, cout, k=1) if cin != cout else x
    return skip + h


def vae_encode(p, x, cfg):
    ch = [cfg["base"] * m for m in cfg["mult"]]
    g = cfg["groups"]
    h = causal_conv3d(p, "encoder.conv_in", x, 3, ch[0])
    prev = ch[0]
    for i in range(3):
        h = res_block(p, f"encoder.down.{i}.res", h, prev, ch[i], g)
        prev = ch[i]
        st = 2 if i >= 1 else 1  # time is halved on the two deeper levels (x4), space on all three (x8)
        h = causal_conv3d(p, f"encoder.down.{i}.down", h, prev, prev, stride=(st, 2, 2))
    h = res_block(p, "encoder.mid", h, prev, prev, g)
    h = F.silu(frame_group_norm(p, "encoder.norm_out", h, g))
    h = causal_conv3d(p, "encoder.conv_out", h, prev, 2 * cfg["z"])
    mean, logvar = h[:, : cfg["z"]], h[:, cfg["z"]:].clamp(-30.0, 20.0)
    return mean, logvar


def causal_upsample(x, time):
    if time:
        # frame 0 stays one frame; every later latent frame becomes two (1 + k -> 1 + 2k)
        x = torch.cat([x[:, :, :1], x[:, :, 1:].repeat_interleave(2, dim=2)], dim=2)
    return x.repeat_interleave(2, dim=3).repeat_interleave(2, dim=4)


def vae_decode(p, z, cfg):
    ch = [cfg["base"] * m for m in cfg["mult"]]
    g = cfg["groups"]
    prev = ch[2]
    h = causal_conv3d(p, "decoder.conv_in", z, cfg["z"], prev)
    h = res_block(p, "decoder.mid", h, prev, prev, g)
    for j in range(3):
        c = ch[2 - j]
        h = res_block(p, f"decoder.up.{j}.res", h, prev, c, g)
        prev = c
        h = causal_upsample(h, time=(j < 2))
        h = causal_conv3d(p, f"decoder.up.{j}.up", h, prev, prev)
    h = F.silu(frame_group_norm(p, "decoder.norm_out", h, g))
    return causal_conv3d(p, "decoder.conv_out", h, prev, 3)


# ---------------------------------------------------------------------------------------------------------------
# spacetime patches, RoPE-3D, attention
def patchify(x, pt, ph, pw):
    # [B,C,f*pt,h*ph,w*pw] -> [B, f*h*w, C*pt*ph*pw]   (token vector order: c, pt, ph, pw)
    B, C, T, H, W = x.shape
    x = x.reshape(B, C, T // pt, pt, H // ph, ph, W // pw, pw)
    x = x.permute(0, 2, 4, 6, 1, 3, 5, 7)
    return x.reshape(B, (T // pt) * (H // ph) * (W // pw), C * pt * ph * pw)


def unpatchify(tok, C, f, h, w, pt, ph, pw):
    B = tok.shape[0]
    x = tok.reshape(B, f, h, w, C, pt, ph, pw).permute(0, 4, 1, 5, 2, 6, 3, 7)
    return x.reshape(B, C, f * pt, h * ph, w * pw)


def rope_split(dh):
    # Wan's split of a head: height and width get 2*(dh//6) dims each, time the rest
    hw = 2 * (dh // 6)
    return dh - 2 * hw, hw, hw


def rope3d_angles(dh, f, h, w, theta=10000.0):
    dt, dy, dx = rope_split(dh)
    ang = []
    for (d, size, axis) in ((dt, f, 0), (dy, h, 1), (dx, w, 2)):
        freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # [d/2]
        pos = torch.arange(size, dtype=torch.float64)
        a = pos[:, None] * freqs[None, :]  # [size, d/2]
        shape = [f, h, w, d // 2]
        idx = [1, 1, 1, d // 2]
        idx[axis] = size
        ang.append(a.reshape(idx).expand(shape))
    return torch.cat(ang, dim=-1).reshape(f * h * w, dh // 2)  # [N, dh/2], token order (t, y, x)


def apply_rope(x, ang):
    # x [B, H, N, dh]; half-split pairs (x[j], x[j + dh/2]) rotate by ang[n, j] (the engine's layout)
    p = x.shape[-1] // 2
    c, s = torch.cos(ang), torch.sin(ang)
    a, b = x[..., :p], x[..., p:]
    return torch.cat([a * c - b * s, a * s + b * c], dim=-1)


def linear(p, name, x, cin, cout, bias=True):
    w = p(name + ".weight", cout, cin)
    b = p(name + ".bias", cout) if bias else None
    return F.linear(x, w, b)


def sdpa(q, k, v, key_mask=None):
    # q [B,H,N,dh], k/v [B,H,M,dh], key_mask [B,M] (1 keep, 0 drop)
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if key_mask is not None:
        s = s.masked_fill(key_mask[:, None, None, :] == 0, float("-inf"))
    return torch.softmax(s, dim=-1) @ v


def self_attention(p, name, x, heads, ang):
    B, N, D = x.shape
    qkv = linear(p, name + ".qkv", x, D, 3 * D).reshape(B, N, 3, heads, D // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if ang is not None:
        q, k = apply_rope(q, ang), apply_rope(k, ang)
    o = sdpa(q, k, v).transpose(1, 2).reshape(B, N, D)
    return linear(p, name + ".proj", o, D, D)


def cross_attention(p, name, x, ctx, mask, heads):
    B, N, D = x.shape
    M = ctx.shape[1]
    q = linear(p, name + ".q", x, D, D).reshape(B, N, heads, D // heads).transpose(1, 2)
    kv = linear(p, name + ".kv", ctx, D, 2 * D).reshape(B, M, 2, heads, D // heads).permute(2, 0, 3, 1, 4)
    o = sdpa(q, kv[0], kv[1], mask).transpose(1, 2).reshape(B, N, D)
    return linear(p, name + ".proj", o, D, D)


def layer_norm(x, eps=1e-6, weight=None, bias=None):
    return F.layer_norm(x, (x.shape[-1],), weight, bias, eps)


# ---------------------------------------------------------------------------------------------------------------
# diffusion transformer (DiT with adaLN-Zero, cross-attention, RoPE-3D)
def pos_embed3d(dim, f, h, w, base=16.0):
    # fixed sin-cos of (frame index, y * base / h, x * base / w); dims per axis as rope_split
    parts = []
    for d, pos in zip(rope_split(dim), (
            torch.arange(f, dtype=torch.float64)[:, None, None].expand(f, h, w),
            (torch.arange(h, dtype=torch.float64) * base / h)[None, :, None].expand(f, h, w),
            (torch.arange(w, dtype=torch.float64) * base / w)[None, None, :].expand(f, h, w))):
        half = d // 2
        omega = 10000.0 ** (-torch.arange(half, dtype=torch.float64) / half)
        a = pos.reshape(-1, 1) * omega[None]
        parts.append(torch.cat([torch.sin(a), torch.cos(a)], dim=1))
    return torch.cat(parts, dim=1)  # [N, dim]


def timestep_embedding(t, dim=256, max_period=10000.0):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float64) / half)
    args = (t[:, None] * 1000.0) * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def modulate(x, shift, scale):
    return x * (1 + scale[:, None]) + shift[:, None]


def dit_velocity(p, x, t, ctx, mask, cfg):
    B, C, T, H, W = x.shape
    D, heads, pt, ps = cfg["dim"], cfg["heads"], cfg["pt"], cfg["ps"]
    f, h, w = T // pt, H // ps, W // ps
    tok = linear(p, "x_embedder.proj", patchify(x, pt, ps, ps), C * pt * ps * ps, D)  # [B, N, D]
    tok = tok + pos_embed3d(D, f, h, w)[None]
    te = timestep_embedding(t)
    c = linear(p, "t_embedder.mlp.2", F.silu(linear(p, "t_embedder.mlp.0", te, 256, D)), D, D)  # [B, D]
    pooled = (ctx * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)  # masked mean of the context
    c = c + linear(p, "y_embedder.pool", pooled, cfg["ctx_dim"], D)
    y = linear(p, "y_embedder.proj", ctx, cfg["ctx_dim"], D)  # [B, M, D]
    ang = rope3d_angles(D // heads, f, h, w)
    for i in range(cfg["depth"]):
        n = f"blocks.{i}"
        mod = linear(p, n + ".adaLN_modulation.1", F.silu(c), D, 6 * D)
        sh_a, sc_a, g_a, sh_m, sc_m, g_m = mod.chunk(6, dim=-1)
        tok = tok + g_a[:, None] * self_attention(p, n + ".attn", modulate(layer_norm(tok), sh_a, sc_a), heads, ang)
        nw, nb = p(n + ".norm2.weight", D), p(n + ".norm2.bias", D)
        tok = tok + cross_attention(p, n + ".cross_attn", layer_norm(tok, 1e-6, nw, nb), y, mask, heads)
        hdn = linear(p, n + ".mlp.fc1", modulate(layer_norm(tok), sh_m, sc_m), D, cfg["mlp"] * D)
        tok = tok + g_m[:, None] * linear(p, n + ".mlp.fc2", F.gelu(hdn, approximate="tanh"), cfg["mlp"] * D, D)
    mod = linear(p, "final_layer.adaLN_modulation.1", F.silu(c), D, 2 * D)
    sh, sc = mod.chunk(2, dim=-1)
    out = linear(p, "final_layer.linear", modulate(layer_norm(tok), sh, sc), D, C * pt * ps * ps)
    return unpatchify(out, C, f, h, w, pt, ps, ps)


# ---------------------------------------------------------------------------------------------------------------
def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(1234)

    def randn(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float32).to(torch.float64)

    # VAE --------------------------------------------------------------------------------------------------------
    vcfg = {"base": 4, "mult": [1, 2, 2], "z": 4, "groups": 2}
    x = randn(1, 3, 5, 16, 8).clamp(-1, 1)
    p = P()
    mean, logvar = vae_encode(p, x, vcfg)
    recon = vae_decode(p, mean, vcfg)
    img = x[:, :, :1]  # an image is a one-frame video: its latent equals the first latent frame of the clip
    img_mean, _ = vae_encode(P(), img, vcfg)
    assert torch.allclose(img_mean[:, :, 0], mean[:, :, 0]), "causality broken"
    write_safetensors(os.path.join(OUT, "vae_tiny.safetensors"),
                      {"x": x, "mean": mean, "logvar": logvar, "recon": recon},
                      {"config": json.dumps(vcfg)})

    # patchify / unpatchify ---------------------------------------------------------------------------------------
    lat = randn(1, 4, 2, 4, 6)
    tok = patchify(lat, 1, 2, 2)
    back = unpatchify(tok, 4, 2, 2, 3, 1, 2, 2)
    assert torch.equal(back, lat)
    write_safetensors(os.path.join(OUT, "patchify.safetensors"), {"latent": lat, "tokens": tok},
                      {"patch": "1x2x2", "grid": "2x2x3"})

    # RoPE-3D ----------------------------------------------------------------------------------------------------
    q = randn(1, 2, 2 * 3 * 4, 12)
    write_safetensors(os.path.join(OUT, "rope3d.safetensors"),
                      {"q": q, "rotated": apply_rope(q, rope3d_angles(12, 2, 3, 4))},
                      {"grid": "2x3x4", "head_dim": "12", "theta": "10000"})

    # attention --------------------------------------------------------------------------------------------------
    D, heads = 16, 2
    xa = randn(1, 2 * 2 * 3, D)
    ctx = randn(1, 5, D)
    mask = torch.tensor([[1.0, 1.0, 1.0, 0.0, 0.0]])
    pa = P()
    sa = self_attention(pa, "attn", xa, heads, rope3d_angles(D // heads, 2, 2, 3))
    ca = cross_attention(pa, "cross_attn", xa, ctx, mask, heads)
    write_safetensors(os.path.join(OUT, "attention.safetensors"),
                      {"x": xa, "context": ctx, "mask": mask, "self": sa, "cross": ca},
                      {"dim": D, "heads": heads, "grid": "2x2x3"})

    # one flow-matching step through a tiny DiT ----------------------------------------------------------------
    dcfg = {"dim": 16, "heads": 2, "depth": 1, "mlp": 4, "pt": 1, "ps": 2, "ctx_dim": 12}
    x0 = randn(1, 4, 2, 4, 4)
    eps = randn(1, 4, 2, 4, 4)
    t = torch.tensor([0.3])
    t_next = torch.tensor([0.2])
    ctx = randn(1, 5, 12)
    cmask = torch.tensor([[1.0, 1.0, 1.0, 1.0, 0.0]])
    null = randn(1, 5, 12)
    nmask = torch.tensor([[1.0, 0.0, 0.0, 0.0, 0.0]])
    xt = (1 - t.view(-1, 1, 1, 1, 1)) * x0 + t.view(-1, 1, 1, 1, 1) * eps  # x_t = (1-t) x0 + t eps
    target = eps - x0  # velocity dx_t/dt
    v_c = dit_velocity(P(), xt, t, ctx, cmask, dcfg)
    v_u = dit_velocity(P(), xt, t, null, nmask, dcfg)
    loss = ((v_c - target) ** 2).mean()
    g = 3.0
    v = v_u + g * (v_c - v_u)
    x_next = xt + (t_next - t).view(-1, 1, 1, 1, 1) * v  # Euler from t to t_next (< t)
    write_safetensors(os.path.join(OUT, "flow_step.safetensors"),
                      {"x0": x0, "eps": eps, "t": t, "t_next": t_next, "context": ctx, "context_mask": cmask,
                       "null_context": null, "null_mask": nmask, "x_t": xt, "target": target, "v_cond": v_c,
                       "v_uncond": v_u, "loss": loss.reshape(1), "x_next": x_next},
                      {"config": json.dumps(dcfg), "guidance": g})


if __name__ == "__main__":
    main()
