package dev.tessera.engine.kernels;

import static dev.tessera.engine.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttentionTest {
    /** One attention problem with all operands, in a [B, N, parts, H, Dh]-style packed layout when packed=true. */
    private static final class Problem {
        final AttentionShape s;
        final float[] q, k, v, dO;
        final HeadLayout ql, kl, vl, ol;
        final boolean[] mask;

        Problem(long seed, int B, int H, int nq, int nk, int D, boolean causal, boolean masked, boolean packed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            s = AttentionShape.of(B, H, nq, nk, D, causal);
            if (packed && nq == nk) {
                // q, k, v interleaved in one fused projection [B, N, 3, H, Dh]; O in [B, N, H, Dh]
                float[] qkv = random(rnd, 3 + B * nq * 3 * H * D);
                for (int i = 0; i < qkv.length; i++) qkv[i] *= 2f;
                q = k = v = qkv;
                ql = HeadLayout.packed(nq, 3, 0, H, D).plus(3);
                kl = HeadLayout.packed(nq, 3, 1, H, D).plus(3);
                vl = HeadLayout.packed(nq, 3, 2, H, D).plus(3);
                ol = HeadLayout.bnhd(nq, H, D);
            } else {
                q = random(rnd, B * H * nq * D);
                k = random(rnd, B * H * nk * D);
                v = random(rnd, B * H * nk * D);
                for (int i = 0; i < q.length; i++) q[i] *= 3f; // peaky softmax rows
                ql = HeadLayout.bhnd(H, nq, D);
                kl = vl = HeadLayout.bhnd(H, nk, D);
                ol = HeadLayout.bhnd(H, nq, D);
            }
            dO = random(rnd, B * H * nq * D);
            if (masked) {
                mask = new boolean[B * nk];
                for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextInt(4) != 0;
                if (B > 1) java.util.Arrays.fill(mask, 0, nk, false); // batch 0 sees no key at all
            } else {
                mask = null;
            }
        }

        int qSize() { return s.batch() * s.heads() * s.queries() * s.headDim(); }
        int kSize() { return s.batch() * s.heads() * s.keys() * s.headDim(); }

        /** Runs forward + backward; returns {o, lse, dq, dk, dv} in contiguous [B,H,N,D] gradient layouts. */
        float[][] run(boolean reference) {
            float[][] out = new float[5][];
            withReference(reference, () -> {
                float[] o = new float[ol == HeadLayout.bhnd(s.heads(), s.queries(), s.headDim()) ? qSize() : qSize()];
                float[] lse = new float[s.batch() * s.heads() * s.queries() + 2];
                Attention.forward(s, q, ql, k, kl, v, vl, mask, o, ol, lse, 2);
                float[] dq = new float[qSize()], dk = new float[kSize()], dv = new float[kSize()];
                HeadLayout gq = HeadLayout.bhnd(s.heads(), s.queries(), s.headDim());
                HeadLayout gk = HeadLayout.bhnd(s.heads(), s.keys(), s.headDim());
                Attention.backward(s, q, ql, k, kl, v, vl, mask, o, ol, lse, 2, dO, gq, dq, gq, dk, gk, dv, gk);
                out[0] = o; out[1] = lse; out[2] = dq; out[3] = dk; out[4] = dv;
            });
            return out;
        }
    }

    private static final String[] NAMES = {"O", "lse", "dQ", "dK", "dV"};

    private static void check(Problem p, String what) {
        float[][] want = p.run(true), got = p.run(false);
        for (int t = 0; t < 5; t++) assertClose(what + " " + NAMES[t], want[t], got[t], 2e-4);
    }

    @Test
    void awkwardShapesMatchReference() {
        check(new Problem(1, 2, 3, 70, 45, 24, false, false, false), "cross 70x45 D24");
        check(new Problem(2, 1, 2, 130, 130, 64, true, false, false), "causal 130 D64");
        check(new Problem(3, 1, 1, 1, 1, 1, false, false, false), "1x1 D1");
        check(new Problem(4, 2, 1, 5, 200, 80, false, true, false), "masked 5x200 D80");
        check(new Problem(5, 2, 2, 67, 67, 64, true, true, true), "packed qkv causal masked 67 D64");
        check(new Problem(6, 1, 3, 64, 129, 128, false, false, false), "64x129 D128");
    }

    @Test
    void fullyMaskedRowsGiveZeroOutputAndNoGradient() {
        Problem p = new Problem(7, 2, 2, 9, 13, 16, false, true, false);
        float[][] got = p.run(false);
        int per = p.s.heads() * p.s.queries() * p.s.headDim();
        for (int i = 0; i < per; i++) assertEquals(0f, got[0][i], "O of a batch that sees no key");
        assertEquals(Float.NEGATIVE_INFINITY, got[1][2]);
        int perK = p.s.heads() * p.s.keys() * p.s.headDim();
        for (int i = 0; i < perK; i++) assertEquals(0f, got[3][i], "dK of a masked batch");
    }

    @Test
    void forwardIdenticalAcrossThreadCountsAndBackwardRepeatable() {
        Problem p = new Problem(8, 1, 2, 300, 300, 64, true, false, false);
        float[][][] r = new float[3][][];
        int[] threads = {1, 2, 7};
        for (int t = 0; t < 3; t++) {
            int tt = t;
            withThreads(threads[t], () -> r[tt] = p.run(false));
        }
        assertArrayEquals(r[0][0], r[1][0]);
        assertArrayEquals(r[0][0], r[2][0]);
        assertArrayEquals(r[0][1], r[2][1]);
        // 7 threads over 2 (b, h) pairs splits the key blocks: close to 1 thread, and the same bits every run
        for (int t = 2; t < 5; t++) assertClose("split " + NAMES[t], r[0][t], r[2][t], 1e-5);
        float[][] again = new float[1][];
        withThreads(7, () -> again[0] = p.run(false)[2]);
        assertArrayEquals(r[2][2], again[0]);
    }

    @Test
    void rejectsOperandsTooSmallForTheLayout() {
        AttentionShape s = AttentionShape.of(1, 2, 8, 8, 4, false);
        float[] small = new float[10], ok = new float[64];
        HeadLayout l = HeadLayout.bhnd(2, 8, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Attention.forward(s, small, l, ok, l, ok, l, null, ok, l, null, 0));
        assertTrue(e.getMessage().contains("attention Q"), e.getMessage());
    }
}
