package dev.tessera.engine;

/** matmul / batched matmul with broadcast batch dims and transposed views read in place; linear. */
final class MatMul {
    private MatMul() {}

    /** A matrix operand: array, per-batch offsets, leading dimension and whether it is stored transposed. */
    private record Operand(float[] data, int[] batchOffsets, int ld, boolean trans) {}

    private static Operand operand(Tensor t, int[] outBatch) {
        int r = t.shape.length;
        int rows = t.shape[r - 2], cols = t.shape[r - 1];
        int sr = t.strides[r - 2], sc = t.strides[r - 1];
        float[] arr = t.storage.heapArray();
        boolean rowMajor = (sc == 1 || cols == 1) && (sr >= cols || rows == 1);
        boolean colMajor = !rowMajor && (sr == 1 || rows == 1) && (sc >= rows || cols == 1);
        Tensor src = t;
        if (arr == null || !(rowMajor || colMajor)) {
            src = new Tensor(Shapes.gather(t.storage, t.offset, t.shape, t.strides), t.shape.clone());
            arr = src.storage.heapArray();
            rowMajor = true;
            colMajor = false;
            sr = cols;
        }
        int ld = rowMajor ? Math.max(sr, Math.max(cols, 1)) : Math.max(src.strides[r - 1], Math.max(rows, 1));
        int nb = (int) Shapes.numel(outBatch);
        int[] offs = new int[nb];
        int lead = outBatch.length - (r - 2);
        int[] idx = new int[outBatch.length];
        for (int bi = 0; bi < nb; bi++) {
            int off = src.offset;
            for (int d = 0; d < r - 2; d++) {
                int od = lead + d;
                if (src.shape[d] != 1) off += idx[od] * src.strides[d];
            }
            offs[bi] = off;
            for (int d = outBatch.length - 1; d >= 0; d--) {
                if (++idx[d] < outBatch[d]) break;
                idx[d] = 0;
            }
        }
        return new Operand(arr, offs, ld, colMajor);
    }

    /** Index of each out-batch element within a tensor's own (contiguous) batch layout. */
    private static int[] batchIndex(int[] batch, int[] outBatch) {
        int nb = (int) Shapes.numel(outBatch);
        int[] st = Shapes.broadcastStrides(batch, outBatch);
        int[] res = new int[nb];
        int[] idx = new int[outBatch.length];
        for (int bi = 0; bi < nb; bi++) {
            int o = 0;
            for (int d = 0; d < outBatch.length; d++) o += idx[d] * st[d];
            res[bi] = o;
            for (int d = outBatch.length - 1; d >= 0; d--) {
                if (++idx[d] < outBatch[d]) break;
                idx[d] = 0;
            }
        }
        return res;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int ra = a.dim(), rb = b.dim();
        int M = a.shape[ra - 2], K = a.shape[ra - 1], N = b.shape[rb - 1];
        if (b.shape[rb - 2] != K)
            throw new IllegalArgumentException("matmul " + Shapes.str(a.shape) + " · " + Shapes.str(b.shape) + ": inner sizes " + K + " and " + b.shape[rb - 2] + " differ");
        int[] aBatch = java.util.Arrays.copyOf(a.shape, ra - 2), bBatch = java.util.Arrays.copyOf(b.shape, rb - 2);
        int[] outBatch = Shapes.broadcast(aBatch, bBatch);
        Operand A = operand(a, outBatch), B = operand(b, outBatch);
        int nb = (int) Shapes.numel(outBatch);
        float[] c = new float[Shapes.numelInt(new int[] {nb, M, N})];
        for (int i = 0; i < nb; i++)
            Compute.sgemm(A.trans, B.trans, M, N, K, A.data, A.batchOffsets[i], A.ld, B.data, B.batchOffsets[i], B.ld, c, i * M * N, N, false);
        int[] outShape = java.util.Arrays.copyOf(outBatch, outBatch.length + 2);
        outShape[outBatch.length] = M;
        outShape[outBatch.length + 1] = N;
        if (!Grad.needed(a, b)) return Tensor.result(c, outShape, null);
        return Tensor.result(c, outShape, g -> {
            if (a.requiresGrad) { // dA = dC · op(B)ᵀ
                int[] ai = batchIndex(aBatch, outBatch);
                float[] da = new float[a.numel()];
                for (int i = 0; i < nb; i++)
                    Compute.sgemm(false, !B.trans, M, K, N, g, i * M * N, N, B.data, B.batchOffsets[i], B.ld, da, ai[i] * M * K, K, true);
                Tensor.addGrad(a, da);
            }
            if (b.requiresGrad) { // dB = op(A)ᵀ · dC
                int[] bi = batchIndex(bBatch, outBatch);
                float[] db = new float[b.numel()];
                for (int i = 0; i < nb; i++)
                    Compute.sgemm(!A.trans, false, K, N, M, A.data, A.batchOffsets[i], A.ld, g, i * M * N, N, db, bi[i] * K * N, N, true);
                Tensor.addGrad(b, db);
            }
        }, a, b);
    }

    /** y = x·wᵀ + b with x [..., in], w [out, in], b [out] or null. */
    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        int in = x.size(-1);
        if (w.dim() != 2 || w.shape[1] != in)
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape) + " does not match weight " + Shapes.str(w.shape));
        int out = w.shape[0];
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != out))
            throw new IllegalArgumentException("linear: bias " + Shapes.str(bias.shape) + " for weight " + Shapes.str(w.shape));
        int M = x.numel() / Math.max(1, in);
        float[] xd = x.data(), wd = w.data(), bd = bias == null ? null : bias.data();
        float[] y = new float[M * out];
        if (bd != null) Compute.sgemmBias(false, true, M, out, in, xd, 0, in, wd, 0, in, bd, y, 0, out);
        else Compute.sgemm(false, true, M, out, in, xd, 0, in, wd, 0, in, y, 0, out, false);
        int[] outShape = x.shape.clone();
        outShape[outShape.length - 1] = out;
        if (!Grad.needed(x, w, bias)) return Tensor.result(y, outShape, null);
        return Tensor.result(y, outShape, g -> {
            if (x.requiresGrad) {
                float[] dx = new float[M * in];
                Compute.sgemm(false, false, M, in, out, g, 0, out, wd, 0, in, dx, 0, in, false);
                Tensor.addGrad(x, dx);
            }
            if (w.requiresGrad) {
                float[] dw = new float[out * in];
                Compute.sgemm(true, false, out, in, M, g, 0, out, xd, 0, in, dw, 0, in, false);
                Tensor.addGrad(w, dw);
            }
            if (bias != null && bias.requiresGrad) {
                float[] db = new float[out];
                // column blocks over the pool; each db[j] still sums its rows in order (thread-count independent)
                Pointwise.split(out, M, (j0, j1) -> {
                    for (int i = 0; i < M; i++)
                        for (int j = j0, r = i * out; j < j1; j++) db[j] += g[r + j];
                });
                Tensor.addGrad(bias, db);
            }
        }, x, w, bias);
    }
}
