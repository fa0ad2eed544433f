package dev.tessera.engine.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    @Test
    void expIsAccurateAndScalarMatchesVectorBits() {
        SplittableRandom rnd = new SplittableRandom(1);
        int L = SgemmVector.L;
        float[] x = new float[L], y = new float[L];
        for (int it = 0; it < 2000; it++) {
            for (int i = 0; i < L; i++) x[i] = (float) (rnd.nextDouble() * 100 - 90);
            VectorMath.exp(FloatVector.fromArray(SgemmVector.S, x, 0)).intoArray(y, 0);
            for (int i = 0; i < L; i++) {
                assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(VectorMath.exp(x[i])), "lane vs scalar at " + x[i]);
                double want = Math.exp(x[i]);
                if (x[i] > -87f) assertEquals(want, y[i], 5e-6 * want, "exp(" + x[i] + ")");
                else assertTrue(y[i] == 0f || Math.abs(y[i] - want) < 1e-37, "exp(" + x[i] + ") = " + y[i]);
            }
        }
        assertEquals(0f, VectorMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(1f, VectorMath.exp(0f));
    }
}
