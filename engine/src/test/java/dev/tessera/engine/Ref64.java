package dev.tessera.engine;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The double-precision twin of the ops, for the gradient check: straightforward loops over {@code double[]}
 * (forward only), written independently of the fp32 engine. {@link GradCheck} differentiates these numerically in
 * double and compares with the engine's analytic fp32 gradients.
 */
final class Ref64 {
    private Ref64() {}

    /** A double tensor: row-major values and a shape. */
    record T(double[] v, int[] shape) {
        int n() { return v.length; }
        int size(int d) { return shape[d < 0 ? d + shape.length : d]; }
    }

    static T of(Tensor t) {
        float[] d = t.data();
        double[] v = new double[d.length];
        for (int i = 0; i < d.length; i++) v[i] = d[i];
        return new T(v, t.shape());
    }

    static T t(double[] v, int... shape) { return new T(v, shape); }

    static int[] strides(int[] shape) { return Shapes.contiguousStrides(shape); }

    /** Unravels flat index i of shape into idx. */
    static void unravel(int i, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
    }

    // ---- elementwise

    interface Op2 {
        double apply(double a, double b);
    }

    static T zip(T a, T b, Op2 f) {
        int[] out = Shapes.broadcast(a.shape, b.shape);
        int[] sa = Shapes.broadcastStrides(a.shape, out), sb = Shapes.broadcastStrides(b.shape, out);
        int n = (int) Shapes.numel(out);
        double[] o = new double[n];
        int[] idx = new int[out.length];
        for (int i = 0; i < n; i++) {
            unravel(i, out, idx);
            int ia = 0, ib = 0;
            for (int d = 0; d < out.length; d++) {
                ia += idx[d] * sa[d];
                ib += idx[d] * sb[d];
            }
            o[i] = f.apply(a.v[ia], b.v[ib]);
        }
        return new T(o, out);
    }

    static T map(T a, DoubleUnaryOperator f) {
        double[] o = new double[a.n()];
        for (int i = 0; i < o.length; i++) o[i] = f.applyAsDouble(a.v[i]);
        return new T(o, a.shape.clone());
    }

    static T add(T a, T b) { return zip(a, b, Double::sum); }
    static T sub(T a, T b) { return zip(a, b, (x, y) -> x - y); }
    static T mul(T a, T b) { return zip(a, b, (x, y) -> x * y); }
    static T div(T a, T b) { return zip(a, b, (x, y) -> x / y); }
    static T scale(T a, double s) { return map(a, x -> x * s); }

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }
    static double silu(double x) { return x * sigmoid(x); }
    static double gelu(double x) { return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))); }

    // ---- reductions over one dim: seen as [outer, n, inner]

    interface Reducer {
        void row(double[] in, double[] out); // in: the n values of one (outer, inner) line
    }

    static T alongDim(T a, int dim, boolean keep, boolean sameSize, Reducer r) {
        int d = dim < 0 ? dim + a.shape.length : dim;
        int outer = 1, inner = 1, n = a.shape[d];
        for (int i = 0; i < d; i++) outer *= a.shape[i];
        for (int i = d + 1; i < a.shape.length; i++) inner *= a.shape[i];
        int m = sameSize ? n : 1;
        double[] o = new double[outer * m * inner], line = new double[n], res = new double[m];
        for (int x = 0; x < outer; x++)
            for (int y = 0; y < inner; y++) {
                for (int k = 0; k < n; k++) line[k] = a.v[(x * n + k) * inner + y];
                r.row(line, res);
                for (int k = 0; k < m; k++) o[(x * m + k) * inner + y] = res[k];
            }
        int[] shape = a.shape.clone();
        if (sameSize) return new T(o, shape);
        shape[d] = 1;
        if (keep) return new T(o, shape);
        int[] s2 = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) s2[j++] = shape[i];
        return new T(o, s2);
    }

    static T sum(T a, int dim, boolean keep) { return alongDim(a, dim, keep, false, (in, out) -> out[0] = Arrays.stream(in).sum()); }
    static T max(T a, int dim, boolean keep) { return alongDim(a, dim, keep, false, (in, out) -> out[0] = Arrays.stream(in).max().orElseThrow()); }
    static T sumAll(T a) { return new T(new double[] {Arrays.stream(a.v).sum()}, new int[0]); }
    static T meanAll(T a) { return new T(new double[] {Arrays.stream(a.v).sum() / a.n()}, new int[0]); }

    static T softmax(T a, int dim, boolean log) {
        return alongDim(a, dim, false, true, (in, out) -> {
            double m = Arrays.stream(in).max().orElseThrow(), s = 0;
            for (double x : in) s += Math.exp(x - m);
            for (int k = 0; k < in.length; k++) out[k] = log ? in[k] - m - Math.log(s) : Math.exp(in[k] - m) / s;
        });
    }

    // ---- shapes

    static T reshape(T a, int... shape) { return new T(a.v, shape); }

    static T permute(T a, int... perm) {
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) out[i] = a.shape[perm[i]];
        int[] st = strides(a.shape), idx = new int[out.length];
        double[] o = new double[a.n()];
        for (int i = 0; i < o.length; i++) {
            unravel(i, out, idx);
            int src = 0;
            for (int d = 0; d < out.length; d++) src += idx[d] * st[perm[d]];
            o[i] = a.v[src];
        }
        return new T(o, out);
    }

    static T transposeLast(T a) {
        int r = a.shape.length;
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        p[r - 2] = r - 1;
        p[r - 1] = r - 2;
        return permute(a, p);
    }

    static T narrow(T a, int dim, int start, int len) {
        int d = dim < 0 ? dim + a.shape.length : dim;
        int[] out = a.shape.clone();
        out[d] = len;
        int[] st = strides(a.shape), idx = new int[out.length];
        double[] o = new double[(int) Shapes.numel(out)];
        for (int i = 0; i < o.length; i++) {
            unravel(i, out, idx);
            idx[d] += start;
            int src = 0;
            for (int k = 0; k < out.length; k++) src += idx[k] * st[k];
            o[i] = a.v[src];
        }
        return new T(o, out);
    }

    static T expand(T a, int... shape) { return zip(a, new T(new double[(int) Shapes.numel(shape)], shape), (x, y) -> x); }

    static T concat(int dim, T... ts) {
        int[] out = ts[0].shape.clone();
        out[dim] = 0;
        for (T t : ts) out[dim] += t.shape[dim];
        double[] o = new double[(int) Shapes.numel(out)];
        int[] idx = new int[out.length];
        for (int i = 0; i < o.length; i++) {
            unravel(i, out, idx);
            int k = 0, pos = idx[dim];
            while (pos >= ts[k].shape[dim]) pos -= ts[k++].shape[dim];
            idx[dim] = pos;
            int[] st = strides(ts[k].shape);
            int src = 0;
            for (int d = 0; d < out.length; d++) src += idx[d] * st[d];
            o[i] = ts[k].v[src];
        }
        return new T(o, out);
    }

    static T pad(T a, int dim, int before, int after, double value) {
        int[] s = a.shape.clone();
        s[dim] = before;
        T lo = new T(filled(value, (int) Shapes.numel(s)), s.clone());
        s[dim] = after;
        T hi = new T(filled(value, (int) Shapes.numel(s)), s.clone());
        return concat(dim, lo, a, hi);
    }

    static double[] filled(double v, int n) {
        double[] d = new double[n];
        Arrays.fill(d, v);
        return d;
    }

    // ---- linear algebra

    /** [..., M, K] · [..., K, N] with broadcast batch dims. */
    static T matmul(T a, T b) {
        int ra = a.shape.length, rb = b.shape.length;
        int M = a.shape[ra - 2], K = a.shape[ra - 1], N = b.shape[rb - 1];
        int[] ab = Arrays.copyOf(a.shape, ra - 2), bb = Arrays.copyOf(b.shape, rb - 2);
        int[] ob = Shapes.broadcast(ab, bb);
        int[] sa = Shapes.broadcastStrides(ab, ob), sb = Shapes.broadcastStrides(bb, ob);
        int nb = (int) Shapes.numel(ob);
        double[] o = new double[nb * M * N];
        int[] idx = new int[ob.length];
        for (int t = 0; t < nb; t++) {
            unravel(t, ob, idx);
            int ia = 0, ib = 0;
            for (int d = 0; d < ob.length; d++) {
                ia += idx[d] * sa[d];
                ib += idx[d] * sb[d];
            }
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    double s = 0;
                    for (int k = 0; k < K; k++) s += a.v[ia * M * K + i * K + k] * b.v[ib * K * N + k * N + j];
                    o[(t * M + i) * N + j] = s;
                }
        }
        int[] out = Arrays.copyOf(ob, ob.length + 2);
        out[ob.length] = M;
        out[ob.length + 1] = N;
        return new T(o, out);
    }

    static T linear(T x, T w, T b) {
        T y = matmul(x, transposeLast(w));
        return b == null ? y : add(y, b);
    }

    // ---- norms: statistics over groups of n consecutive values (after arranging)

    static T layerNorm(T x, T w, T b, double eps, boolean rms) {
        int n = x.size(-1), rows = x.n() / n;
        double[] o = new double[x.n()];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            if (!rms) {
                for (int i = 0; i < n; i++) mean += x.v[r * n + i];
                mean /= n;
            }
            for (int i = 0; i < n; i++) var += Math.pow(x.v[r * n + i] - mean, 2);
            double rs = 1 / Math.sqrt(var / n + eps);
            for (int i = 0; i < n; i++)
                o[r * n + i] = (x.v[r * n + i] - mean) * rs * (w == null ? 1 : w.v[i]) + (b == null ? 0 : b.v[i]);
        }
        return new T(o, x.shape.clone());
    }

    static T groupNorm(T x, int groups, T w, T b, double eps) {
        int B = x.shape[0], C = x.shape[1], S = x.n() / (B * C), cpg = C / groups, n = cpg * S;
        T normed = layerNorm(new T(x.v, new int[] {B * groups, n}), null, null, eps, false);
        double[] o = normed.v.clone();
        for (int i = 0; i < o.length; i++) {
            int c = (i / S) % C;
            o[i] = o[i] * (w == null ? 1 : w.v[c]) + (b == null ? 0 : b.v[c]);
        }
        return new T(o, x.shape.clone());
    }

    // ---- attention: q [B,H,Nq,D], k/v [B,H,Nk,D]; mask [B,Nk] (nonzero = attend)

    static T attention(T q, T k, T v, float[] mask, double scale, boolean causal) {
        int B = q.shape[0], H = q.shape[1], Nq = q.shape[2], D = q.shape[3], Nk = k.shape[2];
        double[] o = new double[q.n()], s = new double[Nk];
        for (int bh = 0; bh < B * H; bh++) {
            int b = bh / H;
            for (int i = 0; i < Nq; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < Nk; j++) {
                    boolean vis = (mask == null || mask[b * Nk + j] != 0) && (!causal || j <= i);
                    double acc = 0;
                    for (int d = 0; d < D; d++) acc += q.v[(bh * Nq + i) * D + d] * k.v[(bh * Nk + j) * D + d];
                    s[j] = vis ? acc * scale : Double.NEGATIVE_INFINITY;
                    m = Math.max(m, s[j]);
                }
                if (m == Double.NEGATIVE_INFINITY) continue;
                double l = 0;
                for (int j = 0; j < Nk; j++) l += Math.exp(s[j] - m);
                for (int j = 0; j < Nk; j++) {
                    double p = Math.exp(s[j] - m) / l;
                    for (int d = 0; d < D; d++) o[(bh * Nq + i) * D + d] += p * v.v[(bh * Nk + j) * D + d];
                }
            }
        }
        return new T(o, q.shape.clone());
    }

    /** x [..., N, D] rotated by the table's (fp32) angles, pairs (i, i + D/2). */
    static T rope(T x, Rope r) {
        int D = r.headDim(), p = D / 2, N = r.positions();
        double[] o = x.v.clone();
        for (int row = 0; row < x.n() / D; row++) {
            int pos = row % N;
            for (int i = 0; i < p; i++) {
                double c = r.cos()[pos * p + i], s = r.sin()[pos * p + i];
                double a = x.v[row * D + i], b = x.v[row * D + p + i];
                o[row * D + i] = a * c - b * s;
                o[row * D + p + i] = b * c + a * s;
            }
        }
        return new T(o, x.shape.clone());
    }

    // ---- convolution: x [B,Ci,T,H,W], w [Co,Ci,kt,kh,kw]; pads per side

    static T conv3d(T x, T w, T b, int[] stride, int[] pad /* t0,t1,h0,h1,w0,w1 */) {
        int B = x.shape[0], Ci = x.shape[1], T = x.shape[2], H = x.shape[3], W = x.shape[4];
        int Co = w.shape[0], kt = w.shape[2], kh = w.shape[3], kw = w.shape[4];
        int oT = (T + pad[0] + pad[1] - kt) / stride[0] + 1, oH = (H + pad[2] + pad[3] - kh) / stride[1] + 1, oW = (W + pad[4] + pad[5] - kw) / stride[2] + 1;
        double[] o = new double[B * Co * oT * oH * oW];
        for (int n = 0; n < B; n++)
            for (int co = 0; co < Co; co++)
                for (int t = 0; t < oT; t++)
                    for (int h = 0; h < oH; h++)
                        for (int ww = 0; ww < oW; ww++) {
                            double acc = b == null ? 0 : b.v[co];
                            for (int ci = 0; ci < Ci; ci++)
                                for (int a = 0; a < kt; a++)
                                    for (int c = 0; c < kh; c++)
                                        for (int e = 0; e < kw; e++) {
                                            int it = t * stride[0] - pad[0] + a, ih = h * stride[1] - pad[2] + c, iw = ww * stride[2] - pad[4] + e;
                                            if (it < 0 || it >= T || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                            acc += x.v[(((n * Ci + ci) * T + it) * H + ih) * W + iw] * w.v[(((co * Ci + ci) * kt + a) * kh + c) * kw + e];
                                        }
                            o[(((n * Co + co) * oT + t) * oH + h) * oW + ww] = acc;
                        }
        return new T(o, new int[] {B, Co, oT, oH, oW});
    }

    /** Transposed conv: each input element scatters w[ci, co, ...] into the output. */
    static T convTranspose3d(T x, T w, T b, int st, int shw, int pt0, int pt1, int phw) {
        int B = x.shape[0], Ci = x.shape[1], T = x.shape[2], H = x.shape[3], W = x.shape[4];
        int Co = w.shape[1], kt = w.shape[2], kh = w.shape[3], kw = w.shape[4];
        int oT = (T - 1) * st - pt0 - pt1 + kt, oH = (H - 1) * shw - 2 * phw + kh, oW = (W - 1) * shw - 2 * phw + kw;
        double[] o = new double[B * Co * oT * oH * oW];
        for (int n = 0; n < B; n++)
            for (int ci = 0; ci < Ci; ci++)
                for (int t = 0; t < T; t++)
                    for (int h = 0; h < H; h++)
                        for (int ww = 0; ww < W; ww++)
                            for (int co = 0; co < Co; co++)
                                for (int a = 0; a < kt; a++)
                                    for (int c = 0; c < kh; c++)
                                        for (int e = 0; e < kw; e++) {
                                            int ot = t * st - pt0 + a, oh = h * shw - phw + c, ow = ww * shw - phw + e;
                                            if (ot < 0 || ot >= oT || oh < 0 || oh >= oH || ow < 0 || ow >= oW) continue;
                                            o[(((n * Co + co) * oT + ot) * oH + oh) * oW + ow] +=
                                                    x.v[(((n * Ci + ci) * T + t) * H + h) * W + ww] * w.v[(((ci * Co + co) * kt + a) * kh + c) * kw + e];
                                        }
        if (b != null)
            for (int i = 0; i < o.length; i++) o[i] += b.v[(i / (oT * oH * oW)) % Co];
        return new T(o, new int[] {B, Co, oT, oH, oW});
    }

    static T upsample(T x, int... f) {
        int r = x.shape.length, k = f.length;
        int[] out = x.shape.clone();
        for (int i = 0; i < k; i++) out[r - k + i] *= f[i];
        int[] st = strides(x.shape), idx = new int[r];
        double[] o = new double[(int) Shapes.numel(out)];
        for (int i = 0; i < o.length; i++) {
            unravel(i, out, idx);
            int src = 0;
            for (int d = 0; d < r; d++) src += (d >= r - k ? idx[d] / f[d - (r - k)] : idx[d]) * st[d];
            o[i] = x.v[src];
        }
        return new T(o, out);
    }

    /** Trilinear (align_corners=False) on [B, C, T, H, W], straight from the definition: 8 weighted corners. */
    static T trilinear(T x, int ft, int fh, int fw) {
        int B = x.shape[0], C = x.shape[1], T = x.shape[2], H = x.shape[3], W = x.shape[4];
        int oT = T * ft, oH = H * fh, oW = W * fw;
        double[] o = new double[B * C * oT * oH * oW];
        int[] f = {ft, fh, fw}, in = {T, H, W};
        for (int bc = 0; bc < B * C; bc++)
            for (int t = 0; t < oT; t++)
                for (int h = 0; h < oH; h++)
                    for (int w = 0; w < oW; w++) {
                        int[] pos = {t, h, w};
                        int[] lo = new int[3], hi = new int[3];
                        double[] l = new double[3];
                        for (int a = 0; a < 3; a++) {
                            double src = Math.max(0, (pos[a] + 0.5) / f[a] - 0.5);
                            lo[a] = Math.min((int) Math.floor(src), in[a] - 1);
                            hi[a] = Math.min(lo[a] + 1, in[a] - 1);
                            l[a] = src - lo[a];
                        }
                        double acc = 0;
                        for (int c = 0; c < 8; c++) {
                            int ti = (c & 4) != 0 ? hi[0] : lo[0], hi2 = (c & 2) != 0 ? hi[1] : lo[1], wi = (c & 1) != 0 ? hi[2] : lo[2];
                            double wt = ((c & 4) != 0 ? l[0] : 1 - l[0]) * ((c & 2) != 0 ? l[1] : 1 - l[1]) * ((c & 1) != 0 ? l[2] : 1 - l[2]);
                            acc += wt * x.v[((bc * T + ti) * H + hi2) * W + wi];
                        }
                        o[((bc * oT + t) * oH + h) * oW + w] = acc;
                    }
        return new T(o, new int[] {B, C, oT, oH, oW});
    }

    // ---- losses and lookups

    static T mse(T a, T b) { return meanAll(map(sub(a, b), x -> x * x)); }

    static T crossEntropy(T logits, int[] targets, int ignore) {
        T lp = softmax(logits, 1, true);
        int C = logits.shape[1];
        double s = 0;
        int n = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] == ignore) continue;
            s -= lp.v[r * C + targets[r]];
            n++;
        }
        return new T(new double[] {s / Math.max(1, n)}, new int[0]);
    }

    static T embedding(T table, int[] ids, int... idShape) {
        int D = table.shape[1];
        double[] o = new double[ids.length * D];
        for (int i = 0; i < ids.length; i++) System.arraycopy(table.v, ids[i] * D, o, i * D, D);
        int[] out = Arrays.copyOf(idShape, idShape.length + 1);
        out[idShape.length] = D;
        return new T(o, out);
    }
}
