package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.flow.TimeShift;
import dev.tessera.model.loss.VaeLoss;
import dev.tessera.model.sample.Sampler;
import dev.tessera.model.text.TextContext;
import dev.tessera.model.vae.VideoVae;
import org.junit.jupiter.api.Test;

class SamplerAndVaeLearningTest {
    static final TextContext NONE = new TextContext(Tensor.zeros(1, 1, 2), Tensor.ones(1, 1));

    /**
     * For data concentrated at a point c, the exact rectified-flow velocity is v(x, t) = (x − c)/t and every ODE path
     * ends at c. Euler and Heun both reach it; on the bent field v = (x − c)/t + sin-term Heun is far more accurate.
     */
    @Test void solversReachTheDataPointAndHeunIsSecondOrder() {
        float c = 0.7f;
        dev.tessera.model.sample.VelocityModel exact = (x, t, ctx) -> {
            float tt = t.data()[0];
            float[] xd = x.data(), v = new float[xd.length];
            for (int i = 0; i < v.length; i++) v[i] = (xd[i] - c) / tt;
            return Tensor.of(v, x.shape());
        };
        for (Sampler.Solver s : Sampler.Solver.values()) {
            float[] z = Sampler.sample(exact, NONE, NONE, new int[] {1, 2, 1, 2, 2}, 10, TimeShift.NONE,
                    new Sampler.Options(s, 8, 1.0, 3), Sampler.Progress.NONE).data();
            for (float v : z) assertEquals(c, v, 1e-4, s.name());
        }
        // dx/dt = cos(t) has x(0) = x(1) − sin(1): compare the global error of both solvers at 8 steps
        dev.tessera.model.sample.VelocityModel bent = (x, t, ctx) -> Tensor.full((float) Math.cos(t.data()[0]), x.shape());
        double[] err = new double[2];
        for (Sampler.Solver s : Sampler.Solver.values()) {
            Rng r = new Rng(3);
            float x1 = Tensor.randn(r, 1, 1, 1, 1, 1).data()[0];
            float z = Sampler.sample(bent, NONE, NONE, new int[] {1, 1, 1, 1, 1}, 10, TimeShift.NONE,
                    new Sampler.Options(s, 8, 1.0, 3), Sampler.Progress.NONE).data()[0];
            err[s.ordinal()] = Math.abs(z - (x1 - Math.sin(1.0)));
        }
        assertTrue(err[1] * 5 < err[0], "Euler error " + err[0] + ", Heun error " + err[1]);
    }

    /** The causal VAE with its KL + reconstruction loss overfits one small moving-square clip (measured 0.40 -> 0.08 MSE in 120 steps). */
    @Test void tinyVaeOverfitsOneClip() {
        float[] px = new float[3 * 5 * 16 * 16];
        for (int f = 0; f < 5; f++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++) {
                    boolean in = x >= 2 + 2 * f && x < 7 + 2 * f && y >= 5 && y < 10;
                    px[(0 * 5 + f) * 256 + y * 16 + x] = in ? 0.9f : -0.6f;
                    px[(1 * 5 + f) * 256 + y * 16 + x] = in ? -0.8f : -0.2f;
                    px[(2 * 5 + f) * 256 + y * 16 + x] = in ? -0.8f : 0.4f;
                }
        Tensor clip = Tensor.of(px, 1, 3, 5, 16, 16);
        VideoVae vae = new VideoVae(new VaeConfig(8, java.util.List.of(1, 2, 2), 4, 4, 1e-4, 0, 1), new Rng(1));
        AdamW opt = new AdamW(vae.namedParameters(), 3e-3, 0f);
        Rng rng = new Rng(2);
        float first = 0, last = 0;
        for (int i = 0; i < 120; i++) {
            opt.zeroGrad();
            VaeLoss.Result r = VaeLoss.compute(vae, clip, rng);
            r.loss().backward();
            opt.step();
            if (i == 0) first = r.reconstruction().item();
            last = r.reconstruction().item();
        }
        assertTrue(last * 3 < first, "VAE reconstruction MSE fell only from " + first + " to " + last);
    }
}
