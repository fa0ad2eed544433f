package dev.tessera.engine;

import java.util.Arrays;

/** Elementwise ops with numpy broadcasting; forward and backward side by side. */
final class Pointwise {
    private Pointwise() {}

    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAXIMUM = 4;

    static Tensor binary(int op, Tensor a, Tensor b) {
        int[] out = Shapes.broadcast(a.shape, b.shape);
        float[] ad = a.data(), bd = b.data();
        float[] o = new float[Shapes.numelInt(out)];
        boolean same = Arrays.equals(a.shape, b.shape);
        if (same) {
            split(o.length, 1, (s, e) -> apply(op, ad, s, 1, bd, s, 1, o, s, e - s));
        } else if (o.length > 0) {
            int[] sa = Shapes.broadcastStrides(a.shape, out), sb = Shapes.broadcastStrides(b.shape, out);
            int inner = out[out.length - 1];
            split(o.length / inner, inner, (r0, r1) -> broadcastRows(op, ad, sa, bd, sb, out, o, r0, r1));
        }
        if (!Grad.needed(a, b)) return Tensor.result(o, out, null);
        return Tensor.result(o, out, switch (op) {
            case ADD -> g -> {
                float[] ga = Shapes.sumTo(g, out, a.shape), gb = Shapes.sumTo(g, out, b.shape);
                Tensor.addGrad(a, ga);
                Tensor.addGrad(b, gb == ga && a.requiresGrad ? gb.clone() : gb); // each array is handed over once
            };
            case SUB -> g -> {
                Tensor.addGrad(a, Shapes.sumTo(g, out, a.shape));
                if (b.requiresGrad) Tensor.addGrad(b, Shapes.sumTo(negate(g), out, b.shape));
            };
            case MUL -> g -> {
                if (a.requiresGrad) Tensor.addGrad(a, Shapes.sumTo(mulBroadcast(g, out, bd, b.shape, 1, null), out, a.shape));
                if (b.requiresGrad) Tensor.addGrad(b, Shapes.sumTo(mulBroadcast(g, out, ad, a.shape, 1, null), out, b.shape));
            };
            case DIV -> g -> { // d(a/b)/da = 1/b ; d(a/b)/db = -a/b² = -out/b
                if (a.requiresGrad) Tensor.addGrad(a, Shapes.sumTo(mulBroadcast(g, out, bd, b.shape, 2, null), out, a.shape));
                if (b.requiresGrad) Tensor.addGrad(b, Shapes.sumTo(mulBroadcast(g, out, bd, b.shape, 3, o), out, b.shape));
            };
            case MAXIMUM -> g -> {
                float[] ga = new float[g.length], gb = new float[g.length];
                float[] ae = expandTo(ad, a.shape, out), be = expandTo(bd, b.shape, out);
                for (int i = 0; i < g.length; i++) {
                    if (ae[i] >= be[i]) ga[i] = g[i];
                    else gb[i] = g[i];
                }
                Tensor.addGrad(a, Shapes.sumTo(ga, out, a.shape));
                Tensor.addGrad(b, Shapes.sumTo(gb, out, b.shape));
            };
            default -> throw new IllegalStateException();
        }, a, b);
    }

    /**
     * The gated residual {@code x + gate·y} of adaLN-Zero as one op: x and y [B, …, D] of one shape, gate one row of D
     * per sample ([B, D] or [B, 1, D]) shared by all of the sample's rows. Backward: dx = g, dy = g·gate,
     * dgate = Σ_rows g·y per sample (per-chunk partials added in chunk order: deterministic for a thread count).
     */
    static Tensor gatedAdd(Tensor x, Tensor gate, Tensor y) {
        if (!Arrays.equals(x.shape, y.shape) || x.dim() < 2)
            throw new IllegalArgumentException("gatedAdd: x " + Shapes.str(x.shape) + " and y " + Shapes.str(y.shape) + " must share one shape [B, ..., D]");
        checkPerSampleRow("gatedAdd", "gate", gate, x);
        int B = x.shape[0], n = x.size(-1);
        float[] xd = x.data(), yd = y.data(), gd = gate.data();
        int rows = n == 0 ? 0 : xd.length / n, per = Math.max(1, rows / Math.max(1, B));
        boolean fast = !dev.tessera.engine.kernels.Kernels.reference();
        float[] o = new float[xd.length];
        split(rows, n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * n, go = r / per * n;
                if (fast) {
                    dev.tessera.engine.kernels.GateRows.forward(xd, yd, gd, go, off, n, o);
                    continue;
                }
                for (int i = 0; i < n; i++) o[off + i] = xd[off + i] + gd[go + i] * yd[off + i];
            }
        });
        if (!Grad.needed(x, gate, y)) return Tensor.result(o, x.shape.clone(), null);
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] dy = y.requiresGrad ? new float[g.length] : null;
            boolean wantGate = gate.requiresGrad;
            int chunks = Math.max(1, Math.min(dev.tessera.engine.kernels.Parallel.threads(), rows));
            float[][] parts = new float[chunks][];
            splitChunks(rows, n, (chunk, r0, r1) -> {
                float[] dg = wantGate ? new float[gd.length] : null;
                for (int r = r0; r < r1; r++) {
                    int off = r * n, go = r / per * n;
                    if (fast) {
                        dev.tessera.engine.kernels.GateRows.backward(g, yd, gd, go, off, n, dy, dg);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (dy != null) dy[off + i] = g[off + i] * gd[go + i];
                        if (dg != null) dg[go + i] += g[off + i] * yd[off + i];
                    }
                }
                parts[chunk] = dg;
            });
            if (dy != null) Tensor.addGrad(y, dy);
            if (wantGate) Tensor.addGrad(gate, sumChunks(parts, gd.length));
            Tensor.addGrad(x, g); // handed over last: nothing above reads g after this
        }, x, gate, y);
    }

    /** One row of D per sample for x [B, …, D]: t must be [B, D] or [B, 1, D] (any shape [B, 1…, D]). */
    static void checkPerSampleRow(String op, String what, Tensor t, Tensor x) {
        int B = x.shape[0], n = x.size(-1);
        if (t.numel() != (long) B * n || t.dim() < 2 || t.shape[0] != B || t.size(-1) != n)
            throw new IllegalArgumentException(op + ": " + what + " " + Shapes.str(t.shape) + " for input " + Shapes.str(x.shape) + " (need [B, D] or [B, 1, D])");
    }

    /** The element-wise sum of per-chunk partials (null chunks skipped), added in chunk order. */
    static float[] sumChunks(float[][] parts, int n) {
        float[] out = new float[n];
        for (float[] p : parts) if (p != null) for (int i = 0; i < n; i++) out[i] += p[i];
        return out;
    }

    /** Rows [r0, r1) of the output (a row = the last dim), each input read through its broadcast strides. */
    private static void broadcastRows(int op, float[] ad, int[] sa, float[] bd, int[] sb, int[] out, float[] o, int r0, int r1) {
        int rank = out.length, inner = out[rank - 1];
        int[] idx = new int[rank];
        int oa = 0, ob = 0;
        for (int d = rank - 2, r = r0; d >= 0; d--) { // odometer start for row r0
            idx[d] = r % out[d];
            r /= out[d];
            oa += idx[d] * sa[d];
            ob += idx[d] * sb[d];
        }
        for (int row = r0; row < r1; row++) {
            apply(op, ad, oa, sa[rank - 1], bd, ob, sb[rank - 1], o, row * inner, inner);
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                oa += sa[d];
                ob += sb[d];
                if (idx[d] < out[d]) break;
                oa -= sa[d] * out[d];
                ob -= sb[d] * out[d];
                idx[d] = 0;
            }
        }
    }

    interface Range {
        void run(int start, int end);
    }

    static final int PARALLEL_MIN = 1 << 16;

    /** As {@link #split}, telling the body its chunk index (0 when run in one piece; below Parallel.threads()). */
    static void splitChunks(int n, int unit, dev.tessera.engine.kernels.Parallel.RangeBody r) {
        if ((long) n * unit < PARALLEL_MIN || dev.tessera.engine.kernels.Parallel.threads() == 1) r.run(0, 0, n);
        else dev.tessera.engine.kernels.Parallel.forRange(n, r);
    }

    /** Runs [0, n) in one piece when small (n·unit elements), else in static chunks over the pool. */
    static void split(int n, int unit, Range r) {
        if ((long) n * unit < PARALLEL_MIN || dev.tessera.engine.kernels.Parallel.threads() == 1) r.run(0, n);
        else dev.tessera.engine.kernels.Parallel.forRange(n, (c, s, e) -> r.run(s, e));
    }

    private static void apply(int op, float[] a, int oa, int sa, float[] b, int ob, int sb, float[] o, int oo, int n) {
        // the common stride patterns get loops with constant strides, which the JIT vectorises
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] + b[ob + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] - b[ob + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] * b[ob + i]; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] / b[ob + i]; }
                default -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[oa + i], b[ob + i]); }
            }
        } else if (sa == 1 && sb == 0) {
            float y = b[ob];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] + y; }
                case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] - y; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] * y; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i] / y; }
                default -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[oa + i], y); }
            }
        } else if (sa == 0 && sb == 1) {
            float x = a[oa];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = x + b[ob + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = x - b[ob + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = x * b[ob + i]; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = x / b[ob + i]; }
                default -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(x, b[ob + i]); }
            }
        } else {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] + b[ob + i * sb]; }
                case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] - b[ob + i * sb]; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] * b[ob + i * sb]; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[oa + i * sa] / b[ob + i * sb]; }
                default -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[oa + i * sa], b[ob + i * sb]); }
            }
        }
    }


    static float[] expandTo(float[] x, int[] shape, int[] out) {
        if (Arrays.equals(shape, out)) return x;
        return Shapes.gather(new Storage.Heap(x), 0, out, Shapes.broadcastStrides(shape, out));
    }

    /**
     * mode 1: g·x ; mode 2: g/x ; mode 3: -g·o/x, with x read through its broadcast strides (no expanded copy) and
     * rows split over the pool.
     */
    private static float[] mulBroadcast(float[] g, int[] out, float[] x, int[] xShape, int mode, float[] o) {
        float[] r = new float[g.length];
        if (r.length == 0) return r;
        float[] lhs = g;
        if (mode == 3) {
            lhs = new float[g.length];
            float[] l = lhs;
            split(g.length, 1, (s0, e0) -> { for (int i = s0; i < e0; i++) l[i] = -g[i] * o[i]; });
        }
        int opc = mode == 1 ? MUL : DIV;
        float[] left = lhs;
        if (Arrays.equals(xShape, out)) {
            split(r.length, 1, (s0, e0) -> apply(opc, left, s0, 1, x, s0, 1, r, s0, e0 - s0));
        } else {
            int[] sl = Shapes.contiguousStrides(out), sx = Shapes.broadcastStrides(xShape, out);
            int inner = out[out.length - 1];
            split(r.length / inner, inner, (r0, r1) -> broadcastRows(opc, left, sl, x, sx, out, r, r0, r1));
        }
        return r;
    }

    private static float[] negate(float[] g) {
        float[] r = new float[g.length];
        for (int i = 0; i < r.length; i++) r[i] = -g[i];
        return r;
    }

    /** y = s·x + c. */
    static Tensor affine(Tensor x, float s, float c) {
        float[] d = x.data();
        float[] o = new float[d.length];
        split(o.length, 1, (st, en) -> { for (int i = st; i < en; i++) o[i] = s * d[i] + c; });
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] r = new float[g.length];
            split(r.length, 1, (st, en) -> { for (int i = st; i < en; i++) r[i] = s * g[i]; });
            Tensor.addGrad(x, r);
        }, x);
    }

    static final int EXP = 0, LOG = 1, SQRT = 2, SQUARE = 3, ABS = 4, TANH = 5, SIGMOID = 6, RELU = 7, SILU = 8, GELU = 9, RSQRT = 10;

    static final float SQRT_2_OVER_PI = 0.7978845608028654f;

    static Tensor unary(int op, Tensor x) {
        float[] d = x.data();
        float[] o = new float[d.length];
        Activations.forward(op, d, o);
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] r = new float[g.length];
            Activations.backward(op, d, o, g, r);
            Tensor.addGrad(x, r);
        }, x);
    }

    static float forward(int op, float v) {
        return switch (op) {
            case EXP -> (float) Math.exp(v);
            case LOG -> (float) Math.log(v);
            case SQRT -> (float) Math.sqrt(v);
            case RSQRT -> (float) (1.0 / Math.sqrt(v));
            case SQUARE -> v * v;
            case ABS -> Math.abs(v);
            case TANH -> (float) Math.tanh(v);
            case SIGMOID -> sigmoid(v);
            case RELU -> v > 0 ? v : 0f;
            case SILU -> v * sigmoid(v);
            case GELU -> gelu(v);
            default -> throw new IllegalStateException();
        };
    }

    /** dy/dx given x and y = f(x). */
    static float derivative(int op, float x, float y) {
        return switch (op) {
            case EXP -> y;
            case LOG -> 1f / x;
            case SQRT -> 0.5f / y;
            case RSQRT -> -0.5f * y * y * y;
            case SQUARE -> 2f * x;
            case ABS -> x > 0 ? 1f : x < 0 ? -1f : 0f;
            case TANH -> 1f - y * y;
            case SIGMOID -> y * (1f - y);
            case RELU -> x > 0 ? 1f : 0f;
            case SILU -> {
                float s = sigmoid(x);
                yield s * (1f + x * (1f - s));
            }
            case GELU -> geluGrad(x);
            default -> throw new IllegalStateException();
        };
    }

    static float sigmoid(float v) { return (float) (1.0 / (1.0 + Math.exp(-v))); }

    /** GELU, tanh approximation (the form DiT and GPT-2 use): 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). */
    static float gelu(float x) {
        double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        return (float) (0.5 * x * (1 + Math.tanh(u)));
    }

    static float geluGrad(float x) {
        double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        double t = Math.tanh(u);
        double du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
        return (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du);
    }

    static Tensor pow(Tensor x, float p) {
        float[] d = x.data();
        float[] o = new float[d.length];
        for (int i = 0; i < o.length; i++) o[i] = (float) Math.pow(d[i], p);
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] r = new float[g.length];
            for (int i = 0; i < r.length; i++) r[i] = g[i] * p * (float) Math.pow(d[i], p - 1);
            Tensor.addGrad(x, r);
        }, x);
    }

    static Tensor clamp(Tensor x, float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        float[] d = x.data();
        float[] o = new float[d.length];
        for (int i = 0; i < o.length; i++) o[i] = Math.min(hi, Math.max(lo, d[i]));
        return Tensor.result(o, x.shape.clone(), g -> {
            float[] r = new float[g.length];
            for (int i = 0; i < r.length; i++) r[i] = d[i] >= lo && d[i] <= hi ? g[i] : 0f;
            Tensor.addGrad(x, r);
        }, x);
    }
}
