package dev.tessera.engine;

import static dev.tessera.engine.Ref64.*;

import org.junit.jupiter.api.Test;

/**
 * Gradient checks in double precision for every op: each op's fp32 backward against finite differences of its
 * double twin ({@link Ref64}); shapes deliberately awkward (odd tails, size-1 dims, broadcast, views).
 */
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
        GradCheck.check("add", x -> x[0].add(x[1]), d -> add(d[0], d[1]), rn(1, 3, 1, 17), rn(2, 5, 1));
        GradCheck.check("sub", x -> x[0].sub(x[1]), d -> sub(d[0], d[1]), rn(1, 2, 17), rn(2, 17));
        GradCheck.check("mul", x -> x[0].mul(x[1]), d -> mul(d[0], d[1]), rn(1, 4, 1, 3), rn(2, 1, 5, 1));
        GradCheck.check("div", x -> x[0].div(x[1]), d -> div(d[0], d[1]), rn(1, 3, 7), positive(2, 7));
        GradCheck.check("scalar ops", x -> x[0].mul(3f).add(1f).div(2f).neg().sub(0.5f), d -> map(d[0], v -> -((v * 3 + 1) / 2) - 0.5), rn(1, 19));
        GradCheck.check("maximum", x -> F.maximum(x[0], x[1]), d -> zip(d[0], d[1], Math::max), rn(1, 3, 5), rn(2, 3, 5).add(0.05f));
        GradCheck.check("same tensor twice", x -> x[0].add(x[0]).mul(x[0]), d -> mul(add(d[0], d[0]), d[0]), rn(1, 7));
    }

    @Test
    void unary() {
        GradCheck.check("exp", x -> x[0].exp(), d -> map(d[0], Math::exp), rn(1, 3, 17));
        GradCheck.check("log", x -> x[0].log(), d -> map(d[0], Math::log), positive(1, 3, 17));
        GradCheck.check("sqrt", x -> x[0].sqrt(), d -> map(d[0], Math::sqrt), positive(1, 17));
        GradCheck.check("rsqrt", x -> F.rsqrt(x[0]), d -> map(d[0], v -> 1 / Math.sqrt(v)), positive(1, 17));
        GradCheck.check("square", x -> x[0].square(), d -> map(d[0], v -> v * v), rn(1, 17));
        GradCheck.check("pow", x -> x[0].pow(1.5f), d -> map(d[0], v -> Math.pow(v, 1.5)), positive(1, 17));
        GradCheck.check("abs", x -> x[0].abs(), d -> map(d[0], Math::abs), awayFromZero(1, 17));
        GradCheck.check("relu", x -> x[0].relu(), d -> map(d[0], v -> Math.max(v, 0)), awayFromZero(1, 17));
        GradCheck.check("tanh", x -> x[0].tanh(), d -> map(d[0], Math::tanh), rn(1, 17));
        GradCheck.check("sigmoid", x -> x[0].sigmoid(), d -> map(d[0], Ref64::sigmoid), rn(1, 17));
        GradCheck.check("silu", x -> F.silu(x[0]), d -> map(d[0], Ref64::silu), rn(1, 2, 33));
        GradCheck.check("gelu", x -> F.gelu(x[0]), d -> map(d[0], Ref64::gelu), rn(1, 2, 33));
        GradCheck.check("clamp", x -> F.clamp(x[0], -0.5f, 0.7f), d -> map(d[0], v -> Math.min(0.7f, Math.max(-0.5f, v))),
                Tensor.of(new float[] {-1.2f, -0.3f, 0.1f, 0.5f, 0.9f, 2f}, 2, 3));
    }

    @Test
    void reductions() {
        GradCheck.check("sumAll", x -> x[0].sum(), d -> sumAll(d[0]), rn(1, 3, 5));
        GradCheck.check("mean", x -> x[0].mean(), d -> meanAll(d[0]), rn(1, 3, 5));
        GradCheck.check("sum dim", x -> x[0].sum(1, false), d -> sum(d[0], 1, false), rn(1, 3, 5, 2));
        GradCheck.check("mean dim keep", x -> x[0].mean(-1, true), d -> scale(sum(d[0], -1, true), 0.5), rn(1, 3, 5, 2));
        Tensor spread = Tensor.of(new float[] {0.3f, -1.1f, 2.0f, 0.9f, -0.4f, 1.5f, 0.1f, -2.2f, 0.7f, 1.1f, -0.6f, 0.0f}, 3, 4);
        GradCheck.check("max dim", x -> x[0].max(1, false), d -> max(d[0], 1, false), spread);
        GradCheck.check("softmax", x -> x[0].softmax(-1), d -> softmax(d[0], -1, false), rn(1, 3, 7));
        GradCheck.check("softmax dim0", x -> F.softmax(x[0], 0), d -> softmax(d[0], 0, false), rn(1, 3, 7));
        GradCheck.check("logSoftmax", x -> F.logSoftmax(x[0], 1), d -> softmax(d[0], 1, true), rn(1, 2, 5, 3));
    }

    @Test
    void views() {
        Tensor w = rn(5, 5, 2, 3), e = rn(9, 4, 3, 5);
        GradCheck.check("reshape", x -> x[0].reshape(5, -1).mul(x[0].reshape(5, 6)), d -> mul(reshape(d[0], 5, 6), reshape(d[0], 5, 6)), rn(1, 2, 3, 5));
        GradCheck.check("permute", x -> x[0].permute(2, 0, 1).mul(w), d -> mul(permute(d[0], 2, 0, 1), of(w)), rn(1, 2, 3, 5));
        GradCheck.check("transpose+reshape (copy)", x -> x[0].transpose(0, 1).reshape(-1), d -> reshape(permute(d[0], 1, 0), 12), rn(1, 3, 4));
        GradCheck.check("narrow", x -> x[0].narrow(1, 1, 3), d -> narrow(d[0], 1, 1, 3), rn(1, 2, 5, 3));
        GradCheck.check("slice", x -> x[0].slice(0, -2, 100), d -> narrow(d[0], 0, 2, 2), rn(1, 4, 3));
        GradCheck.check("select", x -> x[0].select(1, 2), d -> reshape(narrow(d[0], 1, 2, 1), 2, 3), rn(1, 2, 5, 3));
        GradCheck.check("expand", x -> x[0].expand(4, 3, 5).mul(e), d -> mul(expand(d[0], 4, 3, 5), of(e)), rn(1, 3, 1));
        GradCheck.check("unsqueeze/squeeze", x -> x[0].unsqueeze(1).squeeze(1).unsqueeze(-1), d -> reshape(d[0], 3, 4, 1), rn(1, 3, 4));
        GradCheck.check("flatten", x -> x[0].flatten(1, 2), d -> reshape(d[0], 2, 12), rn(1, 2, 3, 4));
        GradCheck.check("chunk", x -> x[0].chunk(3, 1)[1].mul(x[0].chunk(3, 1)[2]), d -> mul(narrow(d[0], 1, 2, 2), narrow(d[0], 1, 4, 2)), rn(1, 3, 6));
        GradCheck.check("concat", x -> F.concat(1, x[0], x[1], x[0]), d -> concat(1, d[0], d[1], d[0]), rn(1, 2, 3, 2), rn(2, 2, 1, 2));
        GradCheck.check("stack", x -> F.stack(0, x[0], x[1]), d -> concat(0, reshape(d[0], 1, 2, 3), reshape(d[1], 1, 2, 3)), rn(1, 2, 3), rn(2, 2, 3));
        GradCheck.check("pad", x -> F.pad(x[0], 1, 2, 1, 0.5f), d -> pad(d[0], 1, 2, 1, 0.5), rn(1, 2, 3, 2));
        GradCheck.check("contiguous", x -> x[0].t().contiguous(), d -> transposeLast(d[0]), rn(1, 4, 3));
    }

    @Test
    void matmul() {
        GradCheck.check("matmul 2d", x -> x[0].matmul(x[1]), d -> Ref64.matmul(d[0], d[1]), rn(1, 5, 7), rn(2, 7, 3));
        GradCheck.check("matmul batched broadcast", x -> x[0].matmul(x[1]), d -> Ref64.matmul(d[0], d[1]), rn(1, 2, 3, 4, 5), rn(2, 3, 5, 2));
        GradCheck.check("matmul transposed views", x -> x[0].t().matmul(x[1].t()), d -> Ref64.matmul(transposeLast(d[0]), transposeLast(d[1])), rn(1, 6, 5), rn(2, 3, 6));
        GradCheck.check("matmul vector", x -> x[0].matmul(x[1]), d -> reshape(Ref64.matmul(d[0], reshape(d[1], 5, 1)), 4), rn(1, 4, 5), rn(2, 5));
        GradCheck.check("linear", x -> F.linear(x[0], x[1], x[2]), d -> linear(d[0], d[1], d[2]), rn(1, 2, 3, 5), rn(2, 4, 5), rn(3, 4));
        GradCheck.check("linear no bias", x -> F.linear(x[0], x[1], null), d -> linear(d[0], d[1], null), rn(1, 3, 5), rn(2, 4, 5));
    }

    @Test
    void norms() {
        GradCheck.check("layerNorm", x -> F.layerNorm(x[0], x[1], x[2], 1e-5f), d -> layerNorm(d[0], d[1], d[2], 1e-5, false), rn(1, 3, 17), rn(2, 17), rn(3, 17));
        GradCheck.check("layerNorm no affine", x -> F.layerNorm(x[0], null, null, 1e-5f), d -> layerNorm(d[0], null, null, 1e-5, false), rn(1, 2, 9));
        GradCheck.check("rmsNorm", x -> F.rmsNorm(x[0], x[1], 1e-6f), d -> layerNorm(d[0], d[1], null, 1e-6, true), rn(1, 3, 17), rn(2, 17));
        GradCheck.check("groupNorm", x -> F.groupNorm(x[0], 2, x[1], x[2], 1e-5f), d -> groupNorm(d[0], 2, d[1], d[2], 1e-5), rn(1, 2, 4, 3, 5), rn(2, 4), rn(3, 4));
        GradCheck.check("frameGroupNorm", x -> F.frameGroupNorm(x[0], 2, x[1], x[2], 1e-5f), d -> frameGroupNorm(d[0], 2, d[1], d[2], 1e-5), rn(1, 2, 4, 3, 2, 3), rn(2, 4), rn(3, 4));
        GradCheck.check("frameGroupNorm no affine", x -> F.frameGroupNorm(x[0], 1, null, null, 1e-5f), d -> frameGroupNorm(d[0], 1, null, null, 1e-5), rn(1, 1, 2, 3, 5));
        GradCheck.check("adaLayerNorm", x -> F.adaLayerNorm(x[0], x[1], x[2], 1e-5f),
                d -> add(mul(layerNorm(d[0], null, null, 1e-5, false), map(d[2], v -> 1 + v)), d[1]), rn(1, 2, 3, 17), rn(2, 2, 1, 17), rn(3, 2, 1, 17));
        GradCheck.check("gatedAdd", x -> F.gatedAdd(x[0], x[1], x[2]), d -> add(d[0], mul(d[1], d[2])), rn(1, 3, 2, 17), rn(2, 3, 1, 17), rn(3, 3, 2, 17));
    }

    @Test
    void misc() {
        int[] ids = {3, 0, 3, 1, 4, 2};
        GradCheck.check("embedding", x -> F.embedding(x[0], ids, 2, 3), d -> embedding(d[0], ids, 2, 3), rn(1, 5, 7));
        GradCheck.check("mse", x -> F.mse(x[0], x[1]), d -> mse(d[0], d[1]), rn(1, 3, 5), rn(2, 3, 5));
        int[] tg = {2, 0, 4, 1};
        GradCheck.check("crossEntropy", x -> F.crossEntropy(x[0], tg, 0), d -> crossEntropy(d[0], tg, 0), rn(1, 4, 5));
        float[] u = new float[36];
        new Rng(5).fillUniform(u, 0f, 1f);
        GradCheck.check("dropout", x -> F.dropout(x[0], 0.3f, new Rng(5), true), d -> {
            double[] o = d[0].v().clone();
            for (int i = 0; i < o.length; i++) o[i] = u[i] >= 0.3f ? o[i] / (1 - 0.3f) : 0;
            return Ref64.t(o, 4, 9);
        }, rn(1, 4, 9));
    }

    @Test
    void attention() {
        double s8 = 1 / Math.sqrt(8), s4 = 1 / Math.sqrt(4), s6 = 1 / Math.sqrt(6);
        GradCheck.check("attention", x -> F.attention(x[0], x[1], x[2], null), d -> Ref64.attention(d[0], d[1], d[2], null, s8, false),
                rn(1, 2, 2, 5, 8), rn(2, 2, 2, 7, 8), rn(3, 2, 2, 7, 8));
        float[] md = {1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1};
        Tensor mask = Tensor.of(md, 2, 7);
        GradCheck.check("attention masked", x -> F.attention(x[0], x[1], x[2], mask), d -> Ref64.attention(d[0], d[1], d[2], md, s4, false),
                rn(1, 2, 1, 3, 4), rn(2, 2, 1, 7, 4), rn(3, 2, 1, 7, 4));
        GradCheck.check("attention causal", x -> F.attention(x[0], x[1], x[2], null, 0.4f, true), d -> Ref64.attention(d[0], d[1], d[2], null, 0.4f, true),
                rn(1, 1, 2, 6, 4), rn(2, 1, 2, 6, 4), rn(3, 1, 2, 6, 4));
        GradCheck.check("attention from permuted views", x -> {
            Tensor h = x[0].reshape(2, 5, 3, 2, 4).permute(2, 0, 3, 1, 4); // [3, B, H, N, hd]
            return F.attention(h.select(0, 0), h.select(0, 1), h.select(0, 2), null);
        }, d -> {
            T h = permute(reshape(d[0], 2, 5, 3, 2, 4), 2, 0, 3, 1, 4);
            return Ref64.attention(part(h, 0), part(h, 1), part(h, 2), null, 0.5, false);
        }, rn(1, 2, 5, 24));
        Rope rope = Rope.of3d(1, 2, 3, 6, 50);
        float[] m6 = {1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1};
        GradCheck.check("attentionQkv + rope + mask", x -> F.attentionQkv(x[0], 2, rope, Tensor.of(m6, 2, 6), false), d -> {
            T h = permute(reshape(d[0], 2, 6, 3, 2, 6), 2, 0, 3, 1, 4);
            T o = Ref64.attention(Ref64.rope(part(h, 0), rope), Ref64.rope(part(h, 1), rope), part(h, 2), m6, s6, false);
            return reshape(permute(o, 0, 2, 1, 3), 2, 6, 12);
        }, rn(1, 2, 6, 36));
        GradCheck.check("attentionQkv causal", x -> F.attentionQkv(x[0], 3, null, null, true), d -> {
            T h = permute(reshape(d[0], 1, 5, 3, 3, 4), 2, 0, 3, 1, 4);
            return reshape(permute(Ref64.attention(part(h, 0), part(h, 1), part(h, 2), null, 0.5, true), 0, 2, 1, 3), 1, 5, 12);
        }, rn(2, 1, 5, 36));
    }

    /** h[i] of a [3, B, H, N, D] tensor. */
    static T part(T h, int i) {
        int[] s = h.shape();
        return reshape(narrow(h, 0, i, 1), s[1], s[2], s[3], s[4]);
    }

    @Test
    void convolutionAndResampling() {
        GradCheck.check("conv3d causal", x -> F.conv3d(x[0], x[1], x[2], 1, 1, 2, 0, 1),
                d -> conv3d(d[0], d[1], d[2], new int[] {1, 1, 1}, new int[] {2, 0, 1, 1, 1, 1}), rn(1, 2, 3, 3, 4, 5), rn(2, 4, 3, 3, 3, 3), rn(3, 4));
        GradCheck.check("conv3d strided", x -> F.conv3d(x[0], x[1], x[2], 2, 2, 1, 1, 0),
                d -> conv3d(d[0], d[1], d[2], new int[] {2, 2, 2}, new int[] {1, 1, 0, 0, 0, 0}), rn(1, 1, 2, 5, 5, 7), rn(2, 3, 2, 3, 1, 3), rn(3, 3));
        GradCheck.check("conv3d asymmetric", x -> F.conv3d(x[0], x[1], null, 1, 2, 1, 0, 0, 1, 1, 2, 0),
                d -> conv3d(d[0], d[1], null, new int[] {1, 2, 1}, new int[] {0, 0, 1, 1, 2, 0}), rn(1, 1, 1, 3, 4, 5), rn(2, 2, 1, 2, 2, 3));
        GradCheck.check("conv2d", x -> F.conv2d(x[0], x[1], x[2], 1, 1), d -> reshape(conv3d(reshape(d[0], 2, 3, 1, 5, 7), reshape(d[1], 2, 3, 1, 3, 3), d[2],
                new int[] {1, 1, 1}, new int[] {0, 0, 1, 1, 1, 1}), 2, 2, 5, 7), rn(1, 2, 3, 5, 7), rn(2, 2, 3, 3, 3), rn(3, 2));
        GradCheck.check("conv2d stride 2", x -> F.conv2d(x[0], x[1], null, 2, 0), d -> reshape(conv3d(reshape(d[0], 1, 2, 1, 6, 5), reshape(d[1], 3, 2, 1, 2, 2), null,
                new int[] {1, 2, 2}, new int[] {0, 0, 0, 0, 0, 0}), 1, 3, 3, 2), rn(1, 1, 2, 6, 5), rn(2, 3, 2, 2, 2));
        GradCheck.check("convTranspose3d", x -> F.convTranspose3d(x[0], x[1], x[2], 2, 2, 0, 0, 1), d -> convTranspose3d(d[0], d[1], d[2], 2, 2, 0, 0, 1),
                rn(1, 2, 3, 2, 3, 2), rn(2, 3, 2, 2, 3, 3), rn(3, 2));
        GradCheck.check("convTranspose3d causal-ish", x -> F.convTranspose3d(x[0], x[1], null, 1, 1, 1, 0, 0), d -> convTranspose3d(d[0], d[1], null, 1, 1, 1, 0, 0),
                rn(1, 1, 2, 3, 2, 3), rn(2, 2, 3, 2, 1, 2));
        GradCheck.check("upsample trilinear", x -> F.upsampleTrilinear(x[0], 2, 3, 1), d -> trilinear(d[0], 2, 3, 1), rn(1, 1, 2, 3, 2, 3));
        GradCheck.check("upsample trilinear ×2", x -> F.upsampleTrilinear(x[0], 1, 2, 2), d -> trilinear(d[0], 1, 2, 2), rn(2, 2, 1, 1, 4, 3));
        GradCheck.check("upsample nearest", x -> F.upsampleNearest(x[0], 2, 1, 3), d -> upsample(d[0], 2, 1, 3), rn(1, 1, 2, 3, 2, 2));
        GradCheck.check("upsample nearest, space ×2", x -> F.upsampleNearest(x[0], 1, 2, 2), d -> upsample(d[0], 1, 2, 2), rn(1, 2, 2, 2, 3, 2));
        GradCheck.check("upsample nearest, last dim", x -> F.upsampleNearest(x[0], 3), d -> upsample(d[0], 3), rn(1, 2, 3, 2));
        Rope r1 = Rope.of1d(7, 8, 10000);
        GradCheck.check("rope1d", x -> F.rope(x[0], r1), d -> Ref64.rope(d[0], r1), rn(1, 2, 3, 7, 8));
        Rope r3 = Rope.of3d(2, 3, 2, 12, 100);
        GradCheck.check("rope3d", x -> F.rope(x[0], r3), d -> Ref64.rope(d[0], r3), rn(1, 1, 2, 12, 12));
    }

    /** GroupNorm of each frame: [B, C, T, S…] moved to [B·T, C, S], normalised by the double twin, moved back. */
    static Ref64.T frameGroupNorm(Ref64.T x, int groups, Ref64.T w, Ref64.T b, double eps) {
        int B = x.shape()[0], C = x.shape()[1], T = x.shape()[2], S = x.n() / (B * C * T);
        double[] f = new double[x.n()];
        for (int bb = 0; bb < B; bb++) for (int c = 0; c < C; c++) for (int t = 0; t < T; t++)
            System.arraycopy(x.v(), ((bb * C + c) * T + t) * S, f, ((bb * T + t) * C + c) * S, S);
        Ref64.T n = Ref64.groupNorm(new Ref64.T(f, new int[] {B * T, C, S}), groups, w, b, eps);
        double[] o = new double[x.n()];
        for (int bb = 0; bb < B; bb++) for (int c = 0; c < C; c++) for (int t = 0; t < T; t++)
            System.arraycopy(n.v(), ((bb * T + t) * C + c) * S, o, ((bb * C + c) * T + t) * S, S);
        return new Ref64.T(o, x.shape().clone());
    }
}
