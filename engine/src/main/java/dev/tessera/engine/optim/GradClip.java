package dev.tessera.engine.optim;

import dev.tessera.engine.Tensor;
import java.util.Collection;

/** Gradient clipping by global L2 norm. */
public final class GradClip {
    private GradClip() {}

    /** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. */
    public static double clipGradNorm(Collection<Tensor> params, double maxNorm) {
        double sq = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad().data()) sq += (double) g * g;
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm && norm > 0) {
            float s = (float) (maxNorm / (norm + 1e-6));
            for (Tensor p : params) {
                if (p.grad() == null) continue;
                float[] g = p.grad().buffer();
                for (int i = 0; i < g.length; i++) g[i] *= s;
            }
        }
        return norm;
    }
}
