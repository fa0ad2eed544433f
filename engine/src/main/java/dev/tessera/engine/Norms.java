package dev.tessera.engine;

import dev.tessera.engine.kernels.Kernels;
import dev.tessera.engine.kernels.NormRows;

/** LayerNorm, RMSNorm and GroupNorm: forward keeps the per-row mean and 1/std for the backward. */
final class Norms {
    private Norms() {}

    /**
     * Normalises each of {@code rows} groups of {@code n} elements; the affine weight/bias index is
     * {@code channelOf(row, i)} — last-dim for LayerNorm, channel for GroupNorm.
     */
    private interface ChannelMap {
        int channel(int row, int i);
    }

    /**
     * {@code rowChannels}: the channel of element i of a row is i (layer and RMS norm); those rows take the
     * vectorised {@link NormRows} unless the reference twins are on (these plain loops are the twin). With
     * {@code rowChannels}, each run of {@code perAffine} rows shares one row of w and b (all rows for layer and RMS
     * norm; one sample's rows for adaLN), and {@code ch} must agree: {@code (r / perAffine)·n + i}.
     */
    private static Tensor normalize(Tensor x, Tensor w, Tensor b, float eps, int rows, int n, boolean rms, ChannelMap ch,
                                    boolean rowChannels, int perAffine) {
        boolean fast = rowChannels && !Kernels.reference();
        float[] xd = x.data(), wd = w == null ? null : w.data(), bd = b == null ? null : b.data();
        boolean grad = Grad.needed(x, w, b);
        // x̂ and 1/σ are kept only for the backward: inference allocates just the output
        float[] y = new float[xd.length], xhat = grad ? new float[xd.length] : null, rstd = new float[rows];
        Pointwise.split(rows, n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * n;
                if (fast) {
                    float m = rms ? 0f : NormRows.sum(xd, o, n) / n;
                    float rs = (float) (1.0 / Math.sqrt(NormRows.sumSqDev(xd, o, n, m) / n + eps));
                    rstd[r] = rs;
                    NormRows.normalize(xd, o, n, m, rs, xhat, wd, bd, r / perAffine * n, y);
                    continue;
                }
                double mean = 0, sq = 0;
                if (!rms) {
                    for (int i = 0; i < n; i++) mean += xd[o + i];
                    mean /= n;
                }
                for (int i = 0; i < n; i++) {
                    double d = xd[o + i] - mean;
                    sq += d * d;
                }
                float rs = (float) (1.0 / Math.sqrt(sq / n + eps));
                rstd[r] = rs;
                float m = (float) mean;
                for (int i = 0; i < n; i++) {
                    float h = (xd[o + i] - m) * rs;
                    if (xhat != null) xhat[o + i] = h;
                    int c = ch.channel(r, i);
                    y[o + i] = h * (wd == null ? 1f : wd[c]) + (bd == null ? 0f : bd[c]);
                }
            }
        });
        if (!grad) return Tensor.result(y, x.shape.clone(), null);
        return Tensor.result(y, x.shape.clone(), g -> {
            float[] dx = x.requiresGrad ? new float[xd.length] : null;
            boolean wantW = w != null && w.requiresGrad, wantB = b != null && b.requiresGrad;
            int channels = wd != null ? wd.length : bd != null ? bd.length : 0;
            // weight/bias sums: one partial per chunk, added in chunk order (deterministic per thread count)
            int chunks = Math.max(1, Math.min(dev.tessera.engine.kernels.Parallel.threads(), rows));
            float[][] pw = new float[chunks][], pb = new float[chunks][];
            Pointwise.splitChunks(rows, n, (chunk, r0, r1) -> {
                float[] dw = wantW ? new float[channels] : null, db = wantB ? new float[channels] : null;
                float[] sums = new float[2];
                for (int r = r0; r < r1; r++) {
                    int o = r * n;
                    if (fast) {
                        int wo = r / perAffine * n;
                        NormRows.gradSums(g, o, n, wd, xhat, dw, db, wo, sums);
                        if (dx != null)
                            NormRows.dx(g, o, n, wd, wo, xhat, rstd[r], rms ? 0f : sums[0] / n, sums[1] / n, dx);
                        continue;
                    }
                    double sumD = 0, sumDH = 0;
                    for (int i = 0; i < n; i++) {
                        int c = ch.channel(r, i);
                        float dh = g[o + i] * (wd == null ? 1f : wd[c]);
                        sumD += dh;
                        sumDH += dh * xhat[o + i];
                        if (dw != null) dw[c] += g[o + i] * xhat[o + i];
                        if (db != null) db[c] += g[o + i];
                    }
                    if (dx == null) continue;
                    float mD = rms ? 0f : (float) (sumD / n), mDH = (float) (sumDH / n);
                    for (int i = 0; i < n; i++) {
                        float dh = g[o + i] * (wd == null ? 1f : wd[ch.channel(r, i)]);
                        dx[o + i] = rstd[r] * (dh - mD - xhat[o + i] * mDH);
                    }
                }
                pw[chunk] = dw;
                pb[chunk] = db;
            });
            if (dx != null) Tensor.addGrad(x, dx);
            if (wantW) Tensor.addGrad(w, Pointwise.sumChunks(pw, channels));
            if (wantB) Tensor.addGrad(b, Pointwise.sumChunks(pb, channels));
        }, x, w, b);
    }

    static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) {
        int n = x.size(-1);
        checkAffine("layerNorm", x, w, b, n);
        int rows = x.numel() / Math.max(1, n);
        return normalize(x, w, b, eps, rows, n, false, (r, i) -> i, true, Math.max(1, rows));
    }

    static Tensor rmsNorm(Tensor x, Tensor w, float eps) {
        int n = x.size(-1);
        checkAffine("rmsNorm", x, w, null, n);
        int rows = x.numel() / Math.max(1, n);
        return normalize(x, w, null, eps, rows, n, true, (r, i) -> i, true, Math.max(1, rows));
    }

    /**
     * adaLN (DiT's modulate(LayerNorm(x), shift, scale)) as one op: y = LN(x)·(1 + scale) + shift over the last dim
     * of x [B, …, D], without affine parameters of its own; shift and scale hold one row of D per sample ([B, D] or
     * [B, 1, D]). The same arithmetic as layerNorm with a per-sample weight 1 + scale and bias shift, so the backward
     * is the layer norm's: dscale = Σ_rows g·x̂ and dshift = Σ_rows g per sample.
     */
    static Tensor adaLayerNorm(Tensor x, Tensor shift, Tensor scale, float eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("adaLayerNorm needs [B, ..., D], got " + Shapes.str(x.shape));
        Pointwise.checkPerSampleRow("adaLayerNorm", "shift", shift, x);
        Pointwise.checkPerSampleRow("adaLayerNorm", "scale", scale, x);
        int B = x.shape[0], n = x.size(-1);
        int rows = x.numel() / Math.max(1, n), perSample = Math.max(1, rows / Math.max(1, B));
        return normalize(x, scale.add(1f), shift, eps, rows, n, false, (r, i) -> r / perSample * n + i, true, perSample);
    }

    /** x [B, C, *spatial]; statistics over each group of C/groups channels and all spatial positions. */
    static Tensor groupNorm(Tensor x, int groups, Tensor w, Tensor b, float eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("groupNorm needs [B, C, ...], got " + Shapes.str(x.shape));
        int C = x.shape[1];
        if (groups <= 0 || C % groups != 0) throw new IllegalArgumentException("groupNorm: " + C + " channels not divisible into " + groups + " groups");
        checkAffine("groupNorm", x, w, b, C);
        int spatial = x.numel() / (x.shape[0] * C);
        int cpg = C / groups;
        int n = cpg * spatial;
        return normalize(x, w, b, eps, x.shape[0] * groups, n, false, (r, i) -> (r % groups) * cpg + i / spatial, false, 1);
    }

    /**
     * GroupNorm per frame: x [B, C, T, *spatial], statistics over each group of C/groups channels and the spatial
     * positions of one frame, so frame t never sees another frame (a causal video VAE's norm). Works on the layout as
     * it is — each (sample, group, frame) is C/groups contiguous rows of the spatial size — with the vectorised
     * {@link NormRows}; its reference twin is {@link #groupNorm} on the frames moved next to the batch. The weight and
     * bias gradients are summed per (sample, frame) row and added in row order: the same bits for any thread count.
     */
    static Tensor frameGroupNorm(Tensor x, int groups, Tensor w, Tensor b, float eps) {
        if (x.dim() < 3) throw new IllegalArgumentException("frameGroupNorm needs [B, C, T, ...], got " + Shapes.str(x.shape));
        int B = x.shape[0], C = x.shape[1], T = x.shape[2];
        if (groups <= 0 || C % groups != 0) throw new IllegalArgumentException("frameGroupNorm: " + C + " channels not divisible into " + groups + " groups");
        checkAffine("frameGroupNorm", x, w, b, C);
        int S = B * C * T == 0 ? 0 : x.numel() / (B * C * T), cpg = C / groups, rows = B * groups * T, n = cpg * S;
        if (Kernels.reference()) {
            int[] perm = new int[x.dim()];
            for (int i = 0; i < perm.length; i++) perm[i] = i;
            perm[1] = 2;
            perm[2] = 1;
            int[] frames = x.shape.clone();
            frames[1] = T;
            frames[2] = C;
            Tensor f = x.permute(perm).contiguous().reshape(B * T, C, S);
            return groupNorm(f, groups, w, b, eps).reshape(frames).permute(perm);
        }
        float[] xd = x.data(), wd = w == null ? null : w.data(), bd = b == null ? null : b.data();
        boolean grad = Grad.needed(x, w, b);
        float[] y = new float[xd.length], xhat = grad ? new float[xd.length] : null, rstd = new float[rows];
        // row r = (sample·groups + group)·T + frame; channel c's part of it starts at ((sample·C + c)·T + frame)·S
        Pointwise.split(rows, n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int c0 = (r / T % groups) * cpg, base = ((r / (groups * T) * C + c0) * T + r % T) * S;
                float s = 0f;
                for (int j = 0; j < cpg; j++) s += NormRows.sum(xd, base + j * T * S, S);
                float m = s / n, sq = 0f;
                for (int j = 0; j < cpg; j++) sq += NormRows.sumSqDev(xd, base + j * T * S, S, m);
                float rs = (float) (1.0 / Math.sqrt(sq / n + eps));
                rstd[r] = rs;
                for (int j = 0; j < cpg; j++)
                    NormRows.normalizeScalar(xd, base + j * T * S, S, m, rs, xhat, wd == null ? 1f : wd[c0 + j], bd == null ? 0f : bd[c0 + j], y);
            }
        });
        if (!grad) return Tensor.result(y, x.shape.clone(), null);
        return Tensor.result(y, x.shape.clone(), g -> {
            float[] dx = x.requiresGrad ? new float[xd.length] : null;
            boolean wantW = w != null && w.requiresGrad, wantB = b != null && b.requiresGrad;
            float[] rowG = new float[rows * cpg], rowGH = new float[rows * cpg]; // Σ g and Σ g·x̂ per (row, channel)
            Pointwise.split(rows, n, (r0, r1) -> {
                float[] sums = new float[2];
                for (int r = r0; r < r1; r++) {
                    int c0 = (r / T % groups) * cpg, base = ((r / (groups * T) * C + c0) * T + r % T) * S;
                    float sumD = 0f, sumDH = 0f;
                    for (int j = 0; j < cpg; j++) {
                        NormRows.gradSumsScalar(g, base + j * T * S, S, xhat, sums);
                        rowG[r * cpg + j] = sums[0];
                        rowGH[r * cpg + j] = sums[1];
                        float wc = wd == null ? 1f : wd[c0 + j];
                        sumD += wc * sums[0];
                        sumDH += wc * sums[1];
                    }
                    if (dx == null) continue;
                    for (int j = 0; j < cpg; j++)
                        NormRows.dxScalar(g, base + j * T * S, S, wd == null ? 1f : wd[c0 + j], xhat, rstd[r], sumD / n, sumDH / n, dx);
                }
            });
            if (dx != null) Tensor.addGrad(x, dx);
            if (wantW || wantB) {
                float[] dw = new float[C], db = new float[C];
                for (int r = 0; r < rows; r++) {
                    int c0 = (r / T % groups) * cpg;
                    for (int j = 0; j < cpg; j++) {
                        dw[c0 + j] += rowGH[r * cpg + j];
                        db[c0 + j] += rowG[r * cpg + j];
                    }
                }
                if (wantW) Tensor.addGrad(w, dw);
                if (wantB) Tensor.addGrad(b, db);
            }
        }, x, w, b);
    }

    private static void checkAffine(String op, Tensor x, Tensor w, Tensor b, int n) {
        if (w != null && (w.dim() != 1 || w.shape[0] != n)) throw new IllegalArgumentException(op + ": weight " + Shapes.str(w.shape) + " for input " + Shapes.str(x.shape));
        if (b != null && (b.dim() != 1 || b.shape[0] != n)) throw new IllegalArgumentException(op + ": bias " + Shapes.str(b.shape) + " for input " + Shapes.str(x.shape));
    }
}
