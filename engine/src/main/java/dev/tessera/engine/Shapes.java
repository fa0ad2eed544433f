package dev.tessera.engine;

import java.util.Arrays;

/** Shape arithmetic and strided copies shared by the ops. */
final class Shapes {
    private Shapes() {}

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    static int numelInt(int[] shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("tensor too large for one fp32 array: " + Arrays.toString(shape));
        return (int) n;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    static int axis(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) throw new IllegalArgumentException("dim " + dim + " out of range for rank " + rank);
        return d;
    }

    static String str(int[] shape) { return Arrays.toString(shape); }

    /** Numpy broadcasting of two shapes. */
    static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " do not broadcast");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of a contiguous tensor of {@code shape} seen as broadcast to {@code out} (0 on broadcast dims). */
    static int[] broadcastStrides(int[] shape, int[] out) {
        int[] cs = contiguousStrides(shape);
        int[] st = new int[out.length];
        int lead = out.length - shape.length;
        for (int i = 0; i < shape.length; i++) st[lead + i] = shape[i] == 1 ? 0 : cs[i];
        return st;
    }

    /** Gathers a strided view into a new contiguous fp32 array. */
    static float[] gather(Storage s, int offset, int[] shape, int[] strides) {
        int n = numelInt(shape);
        float[] out = new float[n];
        if (n == 0) return out;
        int rank = shape.length;
        if (rank == 0) {
            out[0] = s.get(offset);
            return out;
        }
        int inner = shape[rank - 1], is = strides[rank - 1];
        float[] src = s.heapArray();
        int[] idx = new int[rank];
        int off = offset;
        for (int o = 0; o < n; o += inner) {
            if (is == 1) {
                s.copyTo(off, out, o, inner);
            } else if (src != null) {
                for (int i = 0, p = off; i < inner; i++, p += is) out[o + i] = src[p];
            } else {
                for (int i = 0; i < inner; i++) out[o + i] = s.get(off + (long) i * is);
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /**
     * Sums a contiguous array of shape {@code from} down to the broadcast-compatible shape {@code to}. When the
     * last dim is kept (the common bias/modulation case) column blocks go over the pool; every output element
     * still adds its contributions in row order, so the result does not depend on the thread count.
     */
    static float[] sumTo(float[] g, int[] from, int[] to) {
        if (Arrays.equals(from, to)) return g;
        int[] st = broadcastStrides(to, from);
        float[] out = new float[numelInt(to)];
        int rank = from.length;
        if (g.length == 0) return out;
        int inner = from[rank - 1], is = st[rank - 1];
        if (is == 1) {
            Pointwise.split(inner, g.length / inner, (j0, j1) -> sumRowsTo(g, from, st, out, j0, j1));
            return out;
        }
        int[] idx = new int[rank];
        int off = 0;
        for (int o = 0; o < g.length; o += inner) {
            if (is == 0) {
                float acc = 0;
                for (int i = 0; i < inner; i++) acc += g[o + i];
                out[off] += acc;
            } else {
                for (int i = 0; i < inner; i++) out[off + i] += g[o + i];
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < from[d]) break;
                off -= st[d] * from[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Columns [j0, j1) of every row of g added into out at the row's broadcast offset. */
    private static void sumRowsTo(float[] g, int[] from, int[] st, float[] out, int j0, int j1) {
        int rank = from.length, inner = from[rank - 1];
        int[] idx = new int[rank];
        int off = 0;
        for (int o = 0; o < g.length; o += inner) {
            for (int j = j0; j < j1; j++) out[off + j] += g[o + j];
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < from[d]) break;
                off -= st[d] * from[d];
                idx[d] = 0;
            }
        }
    }
}
