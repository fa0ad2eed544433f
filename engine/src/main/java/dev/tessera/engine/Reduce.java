package dev.tessera.engine;

/** Reductions over one dim (sum, max) and softmax; data seen as [outer, n, inner] around the reduced dim. */
final class Reduce {
    private Reduce() {}

    static Tensor sumAll(Tensor x) {
        float[] d = x.data();
        double acc = 0; // double accumulation: a loss summed over millions of elements stays exact to fp32
        for (float v : d) acc += v;
        int[] inShape = x.shape;
        return Tensor.result(new float[] {(float) acc}, new int[0], g -> {
            float[] r = new float[Shapes.numelInt(inShape)];
            java.util.Arrays.fill(r, g[0]);
            Tensor.addGrad(x, r);
        }, x);
    }

    static int[] reducedShape(int[] shape, int d, boolean keep) {
        if (keep) {
            int[] s = shape.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) s[j++] = shape[i];
        return s;
    }

    static int outer(int[] shape, int d) {
        int o = 1;
        for (int i = 0; i < d; i++) o *= shape[i];
        return o;
    }

    static int inner(int[] shape, int d) {
        int o = 1;
        for (int i = d + 1; i < shape.length; i++) o *= shape[i];
        return o;
    }

    static Tensor sum(Tensor x, int dim, boolean keep) {
        int d = Shapes.axis(dim, x.shape.length);
        int outer = outer(x.shape, d), n = x.shape[d], inner = inner(x.shape, d);
        float[] xd = x.data();
        float[] o = new float[outer * inner];
        Pointwise.split(outer, n * inner, (a0, a1) -> {
            for (int a = a0; a < a1; a++)
                for (int k = 0; k < n; k++) {
                    int src = (a * n + k) * inner, dst = a * inner;
                    for (int i = 0; i < inner; i++) o[dst + i] += xd[src + i];
                }
        });
        int[] inShape = x.shape;
        return Tensor.result(o, reducedShape(x.shape, d, keep), g -> {
            float[] r = new float[Shapes.numelInt(inShape)];
            for (int a = 0; a < outer; a++)
                for (int k = 0; k < n; k++) System.arraycopy(g, a * inner, r, (a * n + k) * inner, inner);
            Tensor.addGrad(x, r);
        }, x);
    }

    static Tensor max(Tensor x, int dim, boolean keep) {
        int d = Shapes.axis(dim, x.shape.length);
        int outer = outer(x.shape, d), n = x.shape[d], inner = inner(x.shape, d);
        if (n == 0) throw new IllegalArgumentException("max over an empty dim of " + Shapes.str(x.shape));
        float[] xd = x.data();
        float[] o = new float[outer * inner];
        int[] arg = new int[outer * inner];
        for (int a = 0; a < outer; a++)
            for (int i = 0; i < inner; i++) {
                float best = Float.NEGATIVE_INFINITY;
                int bi = 0;
                for (int k = 0; k < n; k++) {
                    float v = xd[(a * n + k) * inner + i];
                    if (v > best || k == 0) {
                        best = v;
                        bi = k;
                    }
                }
                o[a * inner + i] = best;
                arg[a * inner + i] = bi;
            }
        int[] inShape = x.shape;
        return Tensor.result(o, reducedShape(x.shape, d, keep), g -> {
            float[] r = new float[Shapes.numelInt(inShape)];
            for (int a = 0; a < outer; a++)
                for (int i = 0; i < inner; i++) r[(a * n + arg[a * inner + i]) * inner + i] = g[a * inner + i];
            Tensor.addGrad(x, r);
        }, x);
    }

    /** softmax (or log-softmax) along dim, max-subtracted for stability; rows split over the pool. */
    static Tensor softmax(Tensor x, int dim, boolean log) {
        int d = Shapes.axis(dim, x.shape.length);
        int outer = outer(x.shape, d), n = x.shape[d], inner = inner(x.shape, d);
        float[] xd = x.data();
        float[] o = new float[xd.length];
        Pointwise.split(outer, n * inner, (a0, a1) -> {
            for (int a = a0; a < a1; a++)
                for (int i = 0; i < inner; i++) softmaxLine(xd, o, a * n * inner + i, n, inner, log);
        });
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] r = new float[o.length];
            Pointwise.split(outer, n * inner, (a0, a1) -> {
                for (int a = a0; a < a1; a++)
                    for (int i = 0; i < inner; i++) softmaxLineBackward(o, g, r, a * n * inner + i, n, inner, log);
            });
            Tensor.addGrad(x, r);
        }, x);
    }

    private static void softmaxLine(float[] x, float[] o, int base, int n, int inner, boolean log) {
        float m = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
        double s = 0;
        for (int k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
        if (log) {
            float lse = (float) (m + Math.log(s));
            for (int k = 0; k < n; k++) o[base + k * inner] = x[base + k * inner] - lse;
        } else {
            float inv = (float) (1.0 / s);
            for (int k = 0; k < n; k++) o[base + k * inner] = (float) Math.exp(x[base + k * inner] - m) * inv;
        }
    }

    private static void softmaxLineBackward(float[] o, float[] g, float[] r, int base, int n, int inner, boolean log) {
        if (log) { // dx = g - softmax · Σg
            float sg = 0;
            for (int k = 0; k < n; k++) sg += g[base + k * inner];
            for (int k = 0; k < n; k++) r[base + k * inner] = g[base + k * inner] - (float) Math.exp(o[base + k * inner]) * sg;
        } else { // dx = y · (g - Σ g·y)
            float dot = 0;
            for (int k = 0; k < n; k++) dot += g[base + k * inner] * o[base + k * inner];
            for (int k = 0; k < n; k++) r[base + k * inner] = o[base + k * inner] * (g[base + k * inner] - dot);
        }
    }
}
