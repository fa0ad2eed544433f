package dev.tessera.engine;

/**
 * Functional ops (static), the counterpart of {@link Tensor}'s instance methods. Each op records its backward on
 * the tape when an input requires a gradient and {@link Grad} is on.
 */
public final class F {
    private F() {}

    // ---- linear algebra

    /** x [..., in] · wᵀ + b with w [out, in], b [out] or null → [..., out]. w may be BF16/F16 storage. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) { return MatMul.linear(x, w, b); }

    /** [..., M, K] · [..., K, N] → [..., M, N] with broadcast batch dims; transposed views are read in place. */
    public static Tensor matmul(Tensor a, Tensor b) { return MatMul.matmul(a, b); }

    // ---- activations

    public static Tensor silu(Tensor x) { return Pointwise.unary(Pointwise.SILU, x); }

    /** GELU, tanh approximation. */
    public static Tensor gelu(Tensor x) { return Pointwise.unary(Pointwise.GELU, x); }

    public static Tensor relu(Tensor x) { return Pointwise.unary(Pointwise.RELU, x); }

    public static Tensor sigmoid(Tensor x) { return Pointwise.unary(Pointwise.SIGMOID, x); }

    public static Tensor tanh(Tensor x) { return Pointwise.unary(Pointwise.TANH, x); }

    public static Tensor rsqrt(Tensor x) { return Pointwise.unary(Pointwise.RSQRT, x); }

    /** Elementwise maximum with broadcasting (ties send the gradient to a). */
    public static Tensor maximum(Tensor a, Tensor b) { return Pointwise.binary(Pointwise.MAXIMUM, a, b); }

    public static Tensor softmax(Tensor x, int dim) { return Reduce.softmax(x, dim, false); }

    public static Tensor logSoftmax(Tensor x, int dim) { return Reduce.softmax(x, dim, true); }

    // ---- normalisation

    /** Normalises over the last dim; w, b [D] or null. */
    public static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) { return Norms.layerNorm(x, w, b, eps); }

    /** x / rms(x) · w over the last dim; w [D] or null. */
    public static Tensor rmsNorm(Tensor x, Tensor w, float eps) { return Norms.rmsNorm(x, w, eps); }

    /**
     * adaLN, fused: LayerNorm(x)·(1 + scale) + shift over the last dim of x [B, …, D] (no affine of its own), shift
     * and scale one row per sample ([B, D] or [B, 1, D]) — DiT's modulate(norm(x), shift, scale) in one pass.
     */
    public static Tensor adaLayerNorm(Tensor x, Tensor shift, Tensor scale, float eps) { return Norms.adaLayerNorm(x, shift, scale, eps); }

    /** The gated residual x + gate·y in one pass: x, y [B, …, D] of one shape, gate one row per sample ([B, D] or [B, 1, D]). */
    public static Tensor gatedAdd(Tensor x, Tensor gate, Tensor y) { return Pointwise.gatedAdd(x, gate, y); }

    /** x [B, C, ...]; w, b [C] or null. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor w, Tensor b, float eps) { return Norms.groupNorm(x, groups, w, b, eps); }

    /** GroupNorm of each frame on its own: x [B, C, T, *spatial], statistics per sample, group and frame. */
    public static Tensor frameGroupNorm(Tensor x, int groups, Tensor w, Tensor b, float eps) { return Norms.frameGroupNorm(x, groups, w, b, eps); }

    // ---- shapes

    public static Tensor concat(int dim, Tensor... ts) { return Misc.concat(dim, ts); }

    /** Pads one dim with a constant. */
    public static Tensor pad(Tensor x, int dim, int before, int after, float value) { return Misc.pad(x, dim, before, after, value); }

    /** Stacks equal-shaped tensors along a new dim. */
    public static Tensor stack(int dim, Tensor... ts) {
        Tensor[] u = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) u[i] = ts[i].unsqueeze(dim);
        return Misc.concat(dim, u);
    }

    // ---- lookup, regularisation, losses

    /** table [V, D], ids laid out as idShape → [*idShape, D]. */
    public static Tensor embedding(Tensor table, int[] ids, int... idShape) {
        return Misc.embedding(table, ids, idShape.length == 0 ? new int[] {ids.length} : idShape);
    }

    public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) { return Misc.dropout(x, p, rng, training); }

    public static Tensor mse(Tensor pred, Tensor target) { return Misc.mse(pred, target); }

    /** logits [N, C], targets [N]; rows with target == ignoreIndex are skipped (-1: none). */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) { return Misc.crossEntropy(logits, targets, ignoreIndex); }

    // ---- attention

    /**
     * Fused scaled-dot-product attention, softmax(q·kᵀ/√D)·v. q [B,H,Nq,D], k/v [B,H,Nk,D], keyMask [B, Nk] with
     * nonzero = attend (or null) → [B,H,Nq,D]. Memory is linear in sequence length (no Nq×Nk matrix is kept).
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask) {
        return Attention.sdpa(q, k, v, keyMask, (float) (1.0 / Math.sqrt(q.size(-1))), false);
    }

    /**
     * Fused self-attention from a qkv projection: qkv [B, N, 3·D] (as {@code Linear(D, 3D)} gives it, q|k|v each
     * split into {@code heads}) → [B, N, D]. Optional rope table (N positions, head dim D/heads) rotates q and k;
     * keyMask [B, N] or null. Equivalent to splitting, permuting and calling {@link #attention}, without the copies.
     */
    public static Tensor attentionQkv(Tensor qkv, int heads, Rope rope, Tensor keyMask, boolean causal) {
        return Attention.packedSelfAttention(qkv, heads, rope, keyMask, causal);
    }

    /** Attention with an explicit logit scale and optional causal masking (query i sees keys j ≤ i). */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, float scale, boolean causal) {
        return Attention.sdpa(q, k, v, keyMask, scale, causal);
    }

    // ---- rotary positions

    /** Rotates x [..., N, D] (e.g. q or k as [B, H, N, D]) by the table's angles: see {@link Rope}. */
    public static Tensor rope(Tensor x, Rope table) { return table.apply(x); }

    // ---- convolution and resampling

    /**
     * 3D convolution: x [B, Cin, T, H, W], w [Cout, Cin, kT, kH, kW], b [Cout] or null; zero padding
     * {@code padT0}/{@code padT1} before/after in time (causal: kT-1, 0) and {@code padHW} on each spatial side.
     */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor b, int strideT, int strideHW, int padT0, int padT1, int padHW) {
        return Conv.conv3d(x, w, b, strideT, strideHW, strideHW, padT0, padT1, padHW, padHW, padHW, padHW);
    }

    /** 3D convolution with every stride and per-side padding explicit. */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor b, int strideT, int strideH, int strideW,
                                int padT0, int padT1, int padH0, int padH1, int padW0, int padW1) {
        return Conv.conv3d(x, w, b, strideT, strideH, strideW, padT0, padT1, padH0, padH1, padW0, padW1);
    }

    /** 2D convolution: x [B, Cin, H, W], w [Cout, Cin, kH, kW], symmetric padding. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int pad) { return Conv.conv2d(x, w, b, stride, pad); }

    /**
     * Nearest-neighbour upsampling of the trailing dims by integer factors, e.g. {@code upsampleNearest(x, 1, 2, 2)}
     * on [B, C, T, H, W] doubles H and W.
     */
    public static Tensor upsampleNearest(Tensor x, int... factors) { return Conv.upsampleNearest(x, factors); }

    /**
     * Trilinear upsampling of [B, C, T, H, W] by integer factors (PyTorch {@code mode="trilinear",
     * align_corners=False}); also bilinear on [B, C, H, W] with {@code ft = 1} and the tensor unsqueezed.
     */
    public static Tensor upsampleTrilinear(Tensor x, int ft, int fh, int fw) {
        if (x.dim() != 5) throw new IllegalArgumentException("upsampleTrilinear wants [B, C, T, H, W], got " + Shapes.str(x.shape));
        return Conv.upsampleLinear(Conv.upsampleLinear(Conv.upsampleLinear(x, 2, ft), 3, fh), 4, fw);
    }

    /**
     * Transposed 3D convolution (learned upsampling): x [B, Cin, T, H, W], w [Cin, Cout, kT, kH, kW] →
     * [B, Cout, (T-1)·strideT - padT0 - padT1 + kT, (H-1)·strideHW - 2·padHW + kH, ...].
     */
    public static Tensor convTranspose3d(Tensor x, Tensor w, Tensor b, int strideT, int strideHW, int padT0, int padT1, int padHW) {
        return Conv.convTranspose3d(x, w, b, strideT, strideHW, padT0, padT1, padHW);
    }

    // ---- small extras

    /** Elementwise clamp to [lo, hi]; the gradient passes where the input is inside the range. */
    public static Tensor clamp(Tensor x, float lo, float hi) { return Pointwise.clamp(x, lo, hi); }

    /** Index of the maximum along the last dim, per row (no gradient). */
    public static int[] argmax(Tensor x) {
        int n = x.size(-1), rows = x.numel() / Math.max(1, n);
        float[] d = x.data();
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int i = 1; i < n; i++) if (d[r * n + i] > d[r * n + best]) best = i;
            out[r] = best;
        }
        return out;
    }

    // ---- memory

    /**
     * Gradient checkpointing: runs {@code f} without the tape (its activations are not kept) and, during the
     * backward, runs it again with the tape to get the gradients — trading one extra forward for the memory of
     * everything inside {@code f}. Parameters used inside {@code f} receive their gradients as usual. {@code f}
     * must compute the same thing twice: draw any randomness (dropout) from an {@link Rng} it creates itself
     * from a fixed seed, not from a shared generator that advances.
     */
    public static Tensor checkpoint(java.util.function.Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor out;
        try (var g = Grad.off()) {
            out = f.apply(inputs);
        }
        Tensor res = new Tensor(out.data(), out.shape());
        if (!Grad.enabled()) return res;
        // Recorded even when no input needs a gradient: parameters used inside f may (they are not visible here).
        res.requiresGrad = true;
        res.node = new Node(inputs, g -> {
            Tensor[] in = new Tensor[inputs.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = inputs[i].detach();
                in[i].requiresGrad = inputs[i].requiresGrad;
            }
            try (var on = Grad.on()) {
                Tensor again = f.apply(in);
                if (again.requiresGrad) again.backward(g);
            }
            for (int i = 0; i < in.length; i++)
                if (in[i].grad != null) Tensor.addGrad(inputs[i], in[i].grad.data());
        });
        return res;
    }
}
