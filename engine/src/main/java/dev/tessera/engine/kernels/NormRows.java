package dev.tessera.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised rows of layer and RMS norm (statistics over the last dimension, channel = position in the row): the fast
 * path of {@code Norms}, whose plain loops are the reference twin. Sums run in 16 float lanes and are reduced in a
 * fixed lane order ({@link VectorMath#sum}), so a row's result does not depend on the thread count or on JIT state.
 * Each method is small on purpose: Vector API calls in a method past C2's inlining budget run on boxed vectors.
 */
public final class NormRows {
    private NormRows() {}

    private static final VectorSpecies<Float> S = SgemmVector.S;
    private static final int L = S.length();
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /** Σ x[o + i], i < n. */
    public static float sum(float[] x, int o, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) acc = acc.add(FloatVector.fromArray(S, x, o + i));
        float s = VectorMath.sum(acc, LANES.get());
        for (; i < n; i++) s += x[o + i];
        return s;
    }

    /** Σ (x[o + i] − m)², i < n. */
    public static float sumSqDev(float[] x, int o, int n, float m) {
        FloatVector acc = FloatVector.zero(S), mv = FloatVector.broadcast(S, m);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, o + i).sub(mv);
            acc = d.fma(d, acc);
        }
        float s = VectorMath.sum(acc, LANES.get());
        for (; i < n; i++) { float d = x[o + i] - m; s += d * d; }
        return s;
    }

    /**
     * x̂ = (x − m)·rs into xhat (when not null); y = x̂·w + b (w, b may be null), the affine row read from
     * {@code w[wo + i]}, {@code b[wo + i]} (wo > 0 for per-sample affine rows, as adaLN's 1 + scale and shift).
     */
    public static void normalize(float[] x, int o, int n, float m, float rs, float[] xhat, float[] w, float[] b, int wo, float[] y) {
        FloatVector mv = FloatVector.broadcast(S, m), rv = FloatVector.broadcast(S, rs);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, o + i).sub(mv).mul(rv);
            if (xhat != null) h.intoArray(xhat, o + i);
            if (w != null) h = h.mul(FloatVector.fromArray(S, w, wo + i));
            if (b != null) h = h.add(FloatVector.fromArray(S, b, wo + i));
            h.intoArray(y, o + i);
        }
        for (; i < n; i++) {
            float h = (x[o + i] - m) * rs;
            if (xhat != null) xhat[o + i] = h;
            y[o + i] = h * (w == null ? 1f : w[wo + i]) + (b == null ? 0f : b[wo + i]);
        }
    }

    /**
     * One row of the backward's sums: with dh = g·w, sums[0] = Σ dh and sums[1] = Σ dh·x̂; and dw += g·x̂, db += g
     * (each may be null); w, dw and db are indexed from {@code wo}.
     */
    public static void gradSums(float[] g, int o, int n, float[] w, float[] xhat, float[] dw, float[] db, int wo, float[] sums) {
        FloatVector sd = FloatVector.zero(S), sdh = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, o + i), hv = FloatVector.fromArray(S, xhat, o + i);
            FloatVector dh = w == null ? gv : gv.mul(FloatVector.fromArray(S, w, wo + i));
            sd = sd.add(dh);
            sdh = dh.fma(hv, sdh);
            if (dw != null) gv.fma(hv, FloatVector.fromArray(S, dw, wo + i)).intoArray(dw, wo + i);
            if (db != null) gv.add(FloatVector.fromArray(S, db, wo + i)).intoArray(db, wo + i);
        }
        float[] lanes = LANES.get();
        float a = VectorMath.sum(sd, lanes), c = VectorMath.sum(sdh, lanes);
        for (; i < n; i++) {
            float gi = g[o + i], dh = gi * (w == null ? 1f : w[wo + i]);
            a += dh;
            c += dh * xhat[o + i];
            if (dw != null) dw[wo + i] += gi * xhat[o + i];
            if (db != null) db[wo + i] += gi;
        }
        sums[0] = a;
        sums[1] = c;
    }

    /** dx = rs·(g·w − mD − x̂·mDH), w indexed from {@code wo}. */
    public static void dx(float[] g, int o, int n, float[] w, int wo, float[] xhat, float rs, float mD, float mDH, float[] dx) {
        FloatVector rv = FloatVector.broadcast(S, rs), dv = FloatVector.broadcast(S, mD), hv = FloatVector.broadcast(S, mDH);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector dh = FloatVector.fromArray(S, g, o + i);
            if (w != null) dh = dh.mul(FloatVector.fromArray(S, w, wo + i));
            dh.sub(dv).sub(FloatVector.fromArray(S, xhat, o + i).mul(hv)).mul(rv).intoArray(dx, o + i);
        }
        for (; i < n; i++) {
            float dh = g[o + i] * (w == null ? 1f : w[wo + i]);
            dx[o + i] = rs * (dh - mD - xhat[o + i] * mDH);
        }
    }

    /** x̂ = (x − m)·rs into xhat (when not null); y = x̂·w + b with one scalar w and b for the whole row (a channel's). */
    public static void normalizeScalar(float[] x, int o, int n, float m, float rs, float[] xhat, float w, float b, float[] y) {
        FloatVector mv = FloatVector.broadcast(S, m), rv = FloatVector.broadcast(S, rs);
        FloatVector wv = FloatVector.broadcast(S, w), bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, o + i).sub(mv).mul(rv);
            if (xhat != null) h.intoArray(xhat, o + i);
            h.fma(wv, bv).intoArray(y, o + i);
        }
        for (; i < n; i++) {
            float h = (x[o + i] - m) * rs;
            if (xhat != null) xhat[o + i] = h;
            y[o + i] = Math.fma(h, w, b);
        }
    }

    /** sums[0] = Σ g, sums[1] = Σ g·x̂ over one row (a channel's row of a group norm: w is applied by the caller). */
    public static void gradSumsScalar(float[] g, int o, int n, float[] xhat, float[] sums) {
        FloatVector sg = FloatVector.zero(S), sgh = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, o + i);
            sg = sg.add(gv);
            sgh = gv.fma(FloatVector.fromArray(S, xhat, o + i), sgh);
        }
        float[] lanes = LANES.get();
        float a = VectorMath.sum(sg, lanes), c = VectorMath.sum(sgh, lanes);
        for (; i < n; i++) {
            a += g[o + i];
            c += g[o + i] * xhat[o + i];
        }
        sums[0] = a;
        sums[1] = c;
    }

    /** dx = rs·(g·w − mD − x̂·mDH) with one scalar w for the row. */
    public static void dxScalar(float[] g, int o, int n, float w, float[] xhat, float rs, float mD, float mDH, float[] dx) {
        FloatVector rv = FloatVector.broadcast(S, rs), dv = FloatVector.broadcast(S, mD), hv = FloatVector.broadcast(S, mDH);
        FloatVector wv = FloatVector.broadcast(S, w);
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, g, o + i).mul(wv).sub(dv).sub(FloatVector.fromArray(S, xhat, o + i).mul(hv)).mul(rv).intoArray(dx, o + i);
        for (; i < n; i++) dx[o + i] = rs * (g[o + i] * w - mD - xhat[o + i] * mDH);
    }
}
