package dev.tessera.engine;

import java.util.Arrays;

/** concat, pad, embedding, dropout and the losses. */
final class Misc {
    private Misc() {}

    static Tensor concat(int dim, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("concat of nothing");
        int rank = ts[0].dim();
        int d = Shapes.axis(dim, rank);
        int[] out = ts[0].shape.clone();
        out[d] = 0;
        for (Tensor t : ts) {
            if (t.dim() != rank) throw new IllegalArgumentException("concat: ranks differ " + Shapes.str(ts[0].shape) + " vs " + Shapes.str(t.shape));
            for (int i = 0; i < rank; i++)
                if (i != d && t.shape[i] != ts[0].shape[i])
                    throw new IllegalArgumentException("concat along " + d + ": shapes " + Shapes.str(ts[0].shape) + " and " + Shapes.str(t.shape) + " differ");
            out[d] += t.shape[d];
        }
        float[] o = new float[Shapes.numelInt(out)];
        int[] starts = new int[ts.length];
        int s = 0;
        for (int k = 0; k < ts.length; k++) {
            starts[k] = s;
            Tensor.scatterNarrow(o, out, d, s, ts[k].data(), ts[k].shape);
            s += ts[k].shape[d];
        }
        return Tensor.result(o, out, g -> {
            for (int k = 0; k < ts.length; k++)
                if (ts[k].requiresGrad) Tensor.addGrad(ts[k], gatherNarrow(g, out, d, starts[k], ts[k].shape[d]));
        }, ts);
    }

    static float[] gatherNarrow(float[] full, int[] shape, int d, int start, int len) {
        int outer = Reduce.outer(shape, d), inner = Reduce.inner(shape, d);
        float[] r = new float[outer * len * inner];
        for (int o = 0; o < outer; o++)
            System.arraycopy(full, (o * shape[d] + start) * inner, r, o * len * inner, len * inner);
        return r;
    }

    /** Pads dim {@code dim} with {@code before}/{@code after} copies of {@code value}. */
    static Tensor pad(Tensor x, int dim, int before, int after, float value) {
        int d = Shapes.axis(dim, x.dim());
        if (before < 0 || after < 0) throw new IllegalArgumentException("negative padding " + before + "/" + after);
        int[] out = x.shape.clone();
        out[d] += before + after;
        float[] o = new float[Shapes.numelInt(out)];
        if (value != 0f) Arrays.fill(o, value);
        Tensor.scatterNarrow(o, out, d, before, x.data(), x.shape);
        return Tensor.result(o, out, g -> Tensor.addGrad(x, gatherNarrow(g, out, d, before, x.shape[d])), x);
    }

    /** Rows of {@code table} [V, D] picked by {@code ids}; result [ids.length, D] reshaped to {@code idShape} + [D]. */
    static Tensor embedding(Tensor table, int[] ids, int... idShape) {
        if (table.dim() != 2) throw new IllegalArgumentException("embedding table must be [V, D], got " + Shapes.str(table.shape));
        int V = table.shape[0], D = table.shape[1];
        if (Shapes.numel(idShape) != ids.length) throw new IllegalArgumentException(ids.length + " ids do not fill shape " + Arrays.toString(idShape));
        float[] td = table.data();
        float[] o = new float[ids.length * D];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= V) throw new IndexOutOfBoundsException("token id " + ids[i] + " outside vocabulary of " + V);
            System.arraycopy(td, ids[i] * D, o, i * D, D);
        }
        int[] out = Arrays.copyOf(idShape, idShape.length + 1);
        out[idShape.length] = D;
        return Tensor.result(o, out, g -> {
            float[] dt = new float[V * D];
            for (int i = 0; i < ids.length; i++)
                for (int j = 0; j < D; j++) dt[ids[i] * D + j] += g[i * D + j];
            Tensor.addGrad(table, dt);
        }, table);
    }

    /** Inverted dropout: zero with probability p, scale survivors by 1/(1-p). Identity when not training. */
    static Tensor dropout(Tensor x, float p, Rng rng, boolean training) {
        if (!training || p == 0f) return x;
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        float[] xd = x.data();
        float[] mask = new float[xd.length];
        rng.fillUniform(mask, 0f, 1f);
        float scale = 1f / (1f - p);
        float[] o = new float[xd.length];
        for (int i = 0; i < o.length; i++) {
            mask[i] = mask[i] >= p ? scale : 0f;
            o[i] = xd[i] * mask[i];
        }
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] r = new float[g.length];
            for (int i = 0; i < r.length; i++) r[i] = g[i] * mask[i];
            Tensor.addGrad(x, r);
        }, x);
    }

    /** Mean of (pred - target)² over all elements. */
    static Tensor mse(Tensor pred, Tensor target) {
        if (!Arrays.equals(pred.shape, target.shape))
            throw new IllegalArgumentException("mse: prediction " + Shapes.str(pred.shape) + " vs target " + Shapes.str(target.shape));
        float[] p = pred.data(), t = target.data();
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            acc += d * d;
        }
        int n = Math.max(1, p.length);
        return Tensor.result(new float[] {(float) (acc / n)}, new int[0], g -> {
            float s = 2f * g[0] / n;
            float[] dp = new float[p.length];
            for (int i = 0; i < p.length; i++) dp[i] = s * (p[i] - t[i]);
            Tensor.addGrad(pred, dp);
            if (target.requiresGrad) {
                float[] dt = new float[dp.length];
                for (int i = 0; i < dp.length; i++) dt[i] = -dp[i];
                Tensor.addGrad(target, dt);
            }
        }, pred, target);
    }

    /**
     * Mean cross-entropy of logits [N, C] against class ids; rows whose id equals {@code ignoreIndex} are skipped
     * (padding); pass -1 when every row counts.
     */
    static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        if (logits.dim() != 2) throw new IllegalArgumentException("crossEntropy logits must be [N, C], got " + Shapes.str(logits.shape));
        int N = logits.shape[0], C = logits.shape[1];
        if (targets.length != N) throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + N + " rows");
        float[] x = logits.data();
        float[] prob = new float[x.length];
        double loss = 0;
        int count = 0;
        for (int r = 0; r < N; r++) {
            int t = targets[r];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= C) throw new IndexOutOfBoundsException("target " + t + " outside " + C + " classes");
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < C; c++) m = Math.max(m, x[r * C + c]);
            double s = 0;
            for (int c = 0; c < C; c++) s += Math.exp(x[r * C + c] - m);
            for (int c = 0; c < C; c++) prob[r * C + c] = (float) (Math.exp(x[r * C + c] - m) / s);
            loss += m + Math.log(s) - x[r * C + t];
            count++;
        }
        int cnt = Math.max(1, count);
        return Tensor.result(new float[] {(float) (loss / cnt)}, new int[0], g -> {
            float[] d = new float[x.length];
            float s = g[0] / cnt;
            for (int r = 0; r < N; r++) {
                int t = targets[r];
                if (t == ignoreIndex) continue;
                for (int c = 0; c < C; c++) d[r * C + c] = s * prob[r * C + c];
                d[r * C + t] -= s;
            }
            Tensor.addGrad(logits, d);
        }, logits);
    }
}
