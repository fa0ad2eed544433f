package dev.tessera.engine;

import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks for every op (shapes deliberately awkward: odd tails, size-1 dims, views). */
class OpsGradTest {
    static Tensor rn(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    /** Values with |x| ≥ 0.2, away from kinks of relu/abs. */
    static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = rn(seed, shape);
        float[] d = t.buffer();
        for (int i = 0; i < d.length; i++) d[i] = d[i] >= 0 ? d[i] + 0.2f : d[i] - 0.2f;
        return t;
    }

    static Tensor positive(long seed, int... shape) {
        Tensor t = rn(seed, shape);
        float[] d = t.buffer();
        for (int i = 0; i < d.length; i++) d[i] = 0.5f + Math.abs(d[i]);
        return t;
    }

    @Test
    void broadcastArithmetic() {
        GradCheck.check("add", x -> x[0].add(x[1]), rn(1, 3, 1, 17), rn(2, 5, 1));
        GradCheck.check("sub", x -> x[0].sub(x[1]), rn(1, 2, 17), rn(2, 17));
        GradCheck.check("mul", x -> x[0].mul(x[1]), rn(1, 4, 1, 3), rn(2, 1, 5, 1));
        GradCheck.check("div", x -> x[0].div(x[1]), rn(1, 3, 7), positive(2, 7));
        GradCheck.check("scalar ops", x -> x[0].mul(3f).add(1f).div(2f).neg().sub(0.5f), rn(1, 19));
        GradCheck.check("maximum", x -> F.maximum(x[0], x[1]), rn(1, 3, 5), rn(2, 3, 5).add(0.05f));
    }

    @Test
    void unary() {
        GradCheck.check("exp", x -> x[0].exp(), rn(1, 3, 17));
        GradCheck.check("log", x -> x[0].log(), positive(1, 3, 17));
        GradCheck.check("sqrt", x -> x[0].sqrt(), positive(1, 17));
        GradCheck.check("rsqrt", x -> F.rsqrt(x[0]), positive(1, 17));
        GradCheck.check("square", x -> x[0].square(), rn(1, 17));
        GradCheck.check("pow", x -> x[0].pow(1.5f), positive(1, 17));
        GradCheck.check("abs", x -> x[0].abs(), awayFromZero(1, 17));
        GradCheck.check("relu", x -> x[0].relu(), awayFromZero(1, 17));
        GradCheck.check("tanh", x -> x[0].tanh(), rn(1, 17));
        GradCheck.check("sigmoid", x -> x[0].sigmoid(), rn(1, 17));
        GradCheck.check("silu", x -> F.silu(x[0]), rn(1, 2, 33));
        GradCheck.check("gelu", x -> F.gelu(x[0]), rn(1, 2, 33));
    }

    @Test
    void reductions() {
        GradCheck.check("sumAll", x -> x[0].sum(), rn(1, 3, 5));
        GradCheck.check("mean", x -> x[0].mean(), rn(1, 3, 5));
        GradCheck.check("sum dim", x -> x[0].sum(1, false), rn(1, 3, 5, 2));
        GradCheck.check("mean dim keep", x -> x[0].mean(-1, true), rn(1, 3, 5, 2));
        Tensor spread = Tensor.of(new float[] {0.3f, -1.1f, 2.0f, 0.9f, -0.4f, 1.5f, 0.1f, -2.2f, 0.7f, 1.1f, -0.6f, 0.0f}, 3, 4);
        GradCheck.check("max dim", x -> x[0].max(1, false), spread);
        GradCheck.check("softmax", x -> x[0].softmax(-1), rn(1, 3, 7));
        GradCheck.check("softmax dim0", x -> F.softmax(x[0], 0), rn(1, 3, 7));
        GradCheck.check("logSoftmax", x -> F.logSoftmax(x[0], 1), rn(1, 2, 5, 3));
    }

    @Test
    void views() {
        GradCheck.check("reshape", x -> x[0].reshape(5, -1).mul(x[0].reshape(5, 6)), rn(1, 2, 3, 5));
        GradCheck.check("permute", x -> x[0].permute(2, 0, 1).mul(rn(5, 5, 2, 3)), rn(1, 2, 3, 5));
        GradCheck.check("transpose+reshape (copy)", x -> x[0].transpose(0, 1).reshape(-1), rn(1, 3, 4));
        GradCheck.check("narrow", x -> x[0].narrow(1, 1, 3), rn(1, 2, 5, 3));
        GradCheck.check("slice", x -> x[0].slice(0, -2, 100), rn(1, 4, 3));
        GradCheck.check("select", x -> x[0].select(1, 2), rn(1, 2, 5, 3));
        GradCheck.check("expand", x -> x[0].expand(4, 3, 5).mul(rn(9, 4, 3, 5)), rn(1, 3, 1));
        GradCheck.check("unsqueeze/squeeze", x -> x[0].unsqueeze(1).squeeze(1).unsqueeze(-1), rn(1, 3, 4));
        GradCheck.check("flatten", x -> x[0].flatten(1, 2), rn(1, 2, 3, 4));
        GradCheck.check("concat", x -> F.concat(1, x[0], x[1], x[0]), rn(1, 2, 3, 2), rn(2, 2, 1, 2));
        GradCheck.check("stack", x -> F.stack(0, x[0], x[1]), rn(1, 2, 3), rn(2, 2, 3));
        GradCheck.check("pad", x -> F.pad(x[0], 1, 2, 1, 0.5f), rn(1, 2, 3, 2));
    }

    @Test
    void matmul() {
        GradCheck.check("matmul 2d", x -> x[0].matmul(x[1]), rn(1, 5, 7), rn(2, 7, 3));
        GradCheck.check("matmul batched broadcast", x -> x[0].matmul(x[1]), rn(1, 2, 3, 4, 5), rn(2, 3, 5, 2));
        GradCheck.check("matmul transposed views", x -> x[0].t().matmul(x[1].t()), rn(1, 6, 5), rn(2, 3, 6));
        GradCheck.check("matmul vector", x -> x[0].matmul(x[1]), rn(1, 4, 5), rn(2, 5));
        GradCheck.check("linear", x -> F.linear(x[0], x[1], x[2]), rn(1, 2, 3, 5), rn(2, 4, 5), rn(3, 4));
        GradCheck.check("linear no bias", x -> F.linear(x[0], x[1], null), rn(1, 3, 5), rn(2, 4, 5));
    }

    @Test
    void norms() {
        GradCheck.check("layerNorm", x -> F.layerNorm(x[0], x[1], x[2], 1e-5f), rn(1, 3, 17), rn(2, 17), rn(3, 17));
        GradCheck.check("layerNorm no affine", x -> F.layerNorm(x[0], null, null, 1e-5f), rn(1, 2, 9));
        GradCheck.check("rmsNorm", x -> F.rmsNorm(x[0], x[1], 1e-6f), rn(1, 3, 17), rn(2, 17));
        GradCheck.check("groupNorm", x -> F.groupNorm(x[0], 2, x[1], x[2], 1e-5f), rn(1, 2, 4, 3, 5), rn(2, 4), rn(3, 4));
    }

    @Test
    void misc() {
        GradCheck.check("embedding", x -> F.embedding(x[0], new int[] {3, 0, 3, 1, 4, 2}, 2, 3), rn(1, 5, 7));
        GradCheck.check("mse", x -> F.mse(x[0], x[1]), rn(1, 3, 5), rn(2, 3, 5));
        GradCheck.check("crossEntropy", x -> F.crossEntropy(x[0], new int[] {2, 0, 4, 1}, 0), rn(1, 4, 5));
        GradCheck.check("dropout", x -> F.dropout(x[0], 0.3f, new Rng(5), true), rn(1, 4, 9));
        GradCheck.check("contiguous", x -> x[0].t().contiguous(), rn(1, 4, 3));
    }

    @Test
    void attention() {
        GradCheck.check("attention", x -> F.attention(x[0], x[1], x[2], null), rn(1, 2, 2, 5, 8), rn(2, 2, 2, 7, 8), rn(3, 2, 2, 7, 8));
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1}, 2, 7);
        GradCheck.check("attention masked", x -> F.attention(x[0], x[1], x[2], mask), rn(1, 2, 1, 3, 4), rn(2, 2, 1, 7, 4), rn(3, 2, 1, 7, 4));
        GradCheck.check("attention causal", x -> F.attention(x[0], x[1], x[2], null, 0.4f, true), rn(1, 1, 2, 6, 4), rn(2, 1, 2, 6, 4), rn(3, 1, 2, 6, 4));
        Rope rope = Rope.of3d(1, 2, 3, 6, 50);
        Tensor m6 = Tensor.of(new float[] {1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1}, 2, 6);
        GradCheck.check("attentionQkv + rope + mask", x -> F.attentionQkv(x[0], 2, rope, m6, false), rn(1, 2, 6, 36));
        GradCheck.check("attentionQkv causal", x -> F.attentionQkv(x[0], 3, null, null, true), rn(2, 1, 5, 36));
        // the fused op equals split → rope → attention → merge
        Tensor qkv = rn(3, 2, 6, 36);
        Tensor parts = qkv.reshape(2, 6, 3, 2, 6).permute(2, 0, 3, 1, 4);
        Tensor ref = F.attention(F.rope(parts.select(0, 0), rope), F.rope(parts.select(0, 1), rope), parts.select(0, 2), m6).permute(0, 2, 1, 3).reshape(2, 6, 12);
        org.junit.jupiter.api.Assertions.assertTrue(GradCheck.maxRelErr(F.attentionQkv(qkv, 2, rope, m6, false).data(), ref.data()) < 1e-5);
        GradCheck.check("attention from permuted views", x -> {
            Tensor h = x[0].reshape(2, 5, 3, 2, 4).permute(2, 0, 3, 1, 4); // [3, B, H, N, hd]
            return F.attention(h.select(0, 0), h.select(0, 1), h.select(0, 2), null);
        }, rn(1, 2, 5, 24));
    }
}
