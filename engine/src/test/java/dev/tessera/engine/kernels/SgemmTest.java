package dev.tessera.engine.kernels;

import static dev.tessera.engine.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SgemmTest {
    /** Sizes around the tile edges: 12-row strips, 32-column panels, 1024-deep k-blocks, and size-1 dimensions. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 97, 33}, {7, 1, 5}, {5, 63, 17}, {6, 64, 128}, {13, 65, 129}, {37, 130, 7},
            {61, 200, 257}, {245, 70, 40}, {250, 1030, 130}, {12, 1100, 3}, {3, 5, 300},
            // two k-blocks with an uneven tail
            {29, 70, 1100},
            // packed A over SgemmVector.A_LIMIT floats: five row chunks (of 5 strips of 12 rows), uneven k tail; op(B) packed whole once
            {299, 37, 14500},
            // two row chunks with op(B) over SgemmVector.B_LIMIT: B packed block by block in each chunk, not whole
            {80, 300, 14500}};

    @Test
    void matchesReferenceForAllTransposesAndAwkwardShapes() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] sh : SHAPES) {
            int m = sh[0], n = sh[1], k = sh[2];
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
                // padded leading dimensions and offsets: strided, non-contiguous operands
                int lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 5, ldc = n + 2;
                int aRows = tA ? k : m, bRows = tB ? n : k;
                float[] a = random(rnd, 4 + aRows * lda), b = random(rnd, 7 + bRows * ldb);
                float[] c0 = random(rnd, 1 + m * ldc);
                float alpha = 0.75f, beta = t == 3 ? 0f : -0.5f;
                float[] want = c0.clone(), got = c0.clone();
                Sgemm.sgemmReference(tA, tB, m, n, k, alpha, a, 4, lda, b, 7, ldb, beta, want, 1, ldc);
                withReference(false, () -> Sgemm.sgemm(tA, tB, m, n, k, alpha, a, 4, lda, b, 7, ldb, beta, got, 1, ldc));
                assertClose("sgemm " + m + "x" + n + "x" + k + " tA=" + tA + " tB=" + tB, want, got, 2e-5 * Math.sqrt(k));
                // untouched padding between rows of C stays as it was
                for (int i = 0; i < m; i++)
                    for (int j = n; j < ldc && 1 + i * ldc + j < got.length; j++)
                        assertEquals(c0[1 + i * ldc + j], got[1 + i * ldc + j], "C padding overwritten");
            }
        }
    }

    /**
     * Within one k-block every C element is a single FMA chain over k, in order, whatever the register tile (12 rows
     * on 512-bit vectors, 6 on 256-bit: this test also runs in the narrow-vectors execution) — so the blocked product
     * gives the same bits on any vector width.
     */
    @Test
    void blockedProductIsOneFmaChainPerElementOnAnyVectorWidth() {
        SplittableRandom rnd = new SplittableRandom(3);
        int m = 37, n = 45, k = 300;
        for (int t = 0; t < 4; t++) {
            boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
            float[] a = random(rnd, m * k), b = random(rnd, k * n), got = new float[m * n];
            withReference(false, () -> Sgemm.sgemm(tA, tB, m, n, k, 1f, a, 0, tA ? m : k, b, 0, tB ? k : n, 0f, got, 0, n));
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int p = 0; p < k; p++) acc = Math.fma(tA ? a[p * m + i] : a[i * k + p], tB ? b[j * k + p] : b[p * n + j], acc);
                    assertEquals(Float.floatToIntBits(acc), Float.floatToIntBits(got[i * n + j]),
                            "C(" + i + "," + j + ") tA=" + tA + " tB=" + tB + " (tile " + SgemmVector.G_MR + " rows, " + SgemmVector.L + " lanes)");
                }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        SplittableRandom rnd = new SplittableRandom(2);
        int m = 20, n = 70, k = 9;
        float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        withReference(false, () -> Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
        for (float v : c) assertFalse(Float.isNaN(v));
    }

    @Test
    void batchedMatchesLoopOfSingles() {
        SplittableRandom rnd = new SplittableRandom(3);
        int batch = 3, m = 19, n = 77, k = 45;
        float[] a = random(rnd, batch * m * k), b = random(rnd, k * n); // B broadcast (stride 0)
        float[] want = new float[batch * m * n], got = new float[batch * m * n];
        for (int t = 0; t < batch; t++)
            Sgemm.sgemmReference(false, false, m, n, k, 1f, a, t * m * k, k, b, 0, n, 0f, want, t * m * n, n);
        withReference(false, () -> Sgemm.sgemmBatched(batch, false, false, m, n, k, 1f, a, 0, k, (long) m * k,
                b, 0, n, 0, 0f, got, 0, n, (long) m * n));
        assertClose("batched", want, got, 1e-4);
    }

    @Test
    void identicalBitsForAnyThreadCount() {
        SplittableRandom rnd = new SplittableRandom(4);
        int m = 301, n = 333, k = 290;
        float[] a = random(rnd, m * k), b = random(rnd, n * k);
        for (boolean tB : new boolean[] {true, false}) {
            float[][] out = new float[3][];
            int[] threads = {1, 2, 5};
            for (int t = 0; t < 3; t++) {
                float[] c = new float[m * n];
                withThreads(threads[t], () -> withReference(false,
                        () -> Sgemm.sgemm(false, tB, m, n, k, 1f, a, 0, k, b, 0, tB ? k : n, 0f, c, 0, n)));
                out[t] = c;
            }
            assertArrayEquals(out[0], out[1], "transB=" + tB);
            assertArrayEquals(out[0], out[2], "transB=" + tB);
        }
    }

    @Test
    void referenceSwitchRoutesToTwin() {
        // with the switch on, sgemm must give exactly the twin's bits
        SplittableRandom rnd = new SplittableRandom(5);
        int m = 30, n = 80, k = 200;
        float[] a = random(rnd, m * k), b = random(rnd, k * n), want = new float[m * n], got = new float[m * n];
        Sgemm.sgemmReference(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, want, 0, n);
        withReference(true, () -> Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, got, 0, n));
        assertArrayEquals(want, got);
    }

    @Test
    void biasEpilogueMatchesTwinAndTheFillThenAccumulatePath() {
        // C = op(A)·op(B) + bias on every row: close to the twin, and bit-identical to filling C with the bias and
        // multiplying with beta = 1 (how linear layers ran before the epilogue), on the blocked and the small path
        SplittableRandom rnd = new SplittableRandom(6);
        int[][] shapes = {{1, 5, 3}, {7, 40, 9}, {61, 200, 257}, {250, 130, 1100}, {13, 1030, 40}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            for (boolean tB : new boolean[] {true, false}) {
                int ldb = tB ? k : n, ldc = n + 3;
                float[] a = random(rnd, m * k), b = random(rnd, (tB ? n : k) * ldb), bias = random(rnd, n + 2);
                float[] want = new float[m * ldc], got = new float[m * ldc], fill = new float[m * ldc];
                java.util.Arrays.fill(got, Float.NaN); // old C is ignored
                Sgemm.sgemmBiasReference(false, tB, m, n, k, a, 0, k, b, 0, ldb, bias, 2, want, 0, ldc);
                withReference(false, () -> Sgemm.sgemmBias(false, tB, m, n, k, a, 0, k, b, 0, ldb, bias, 2, got, 0, ldc));
                for (int i = 0; i < m; i++) System.arraycopy(bias, 2, fill, i * ldc, n);
                withReference(false, () -> Sgemm.sgemm(false, tB, m, n, k, 1f, a, 0, k, b, 0, ldb, 1f, fill, 0, ldc));
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        int x = i * ldc + j;
                        assertEquals(fill[x], got[x], "bias epilogue vs fill + beta=1 at " + i + "," + j + " of " + m + "x" + n + "x" + k);
                        assertEquals(want[x], got[x], 2e-5 * Math.sqrt(k) * (1 + Math.abs(want[x])), "vs twin");
                    }
            }
        }
        float[] a = new float[8], b = new float[8], c = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemmBias(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, new float[1], 0, c, 0, 2));
        assertTrue(e.getMessage().contains("sgemm bias"), e.getMessage());
    }

    @Test
    void rejectsOutOfBoundsOperands() {
        float[] a = new float[10], b = new float[10], c = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("sgemm A"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 1, b, 0, 2, 0f, c, 0, 2));
    }
}
