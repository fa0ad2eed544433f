package dev.tessera.model.loss;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/**
 * Squared error with per-cell weights broadcast over the channels: {@code weights} [B, 1, ...] against predictions
 * [B, C, ...], Σ w·(pred − target)² / (C · Σ w) — the plain MSE when every weight is equal, and exactly
 * {@link F#mse} when the weights are null. Used by the object-weighted flow-matching loss and decoder fine-tune.
 */
public final class WeightedMse {
    private WeightedMse() {}

    /** The scalar loss over the whole batch. */
    public static Tensor of(Tensor pred, Tensor target, Tensor weights) {
        if (weights == null) return F.mse(pred, target);
        check(pred, weights);
        double total = 0;
        for (float w : weights.data()) total += w;
        if (!(total > 0)) throw new IllegalArgumentException("weights must have a positive sum");
        return pred.sub(target).square().mul(weights).sum().mul((float) (1.0 / (pred.size(1) * total)));
    }

    /** Each item's loss, [B]: the same sum and normalisation within item b. */
    public static Tensor perItem(Tensor pred, Tensor target, Tensor weights) {
        int b = pred.size(0), c = pred.size(1), cells = pred.numel() / (b * c);
        Tensor sq = pred.sub(target).square();
        float[] scale = new float[b];
        if (weights == null) java.util.Arrays.fill(scale, 1f / (c * cells));
        else {
            check(pred, weights);
            float[] w = weights.data();
            for (int i = 0; i < b; i++) {
                double sum = 0;
                for (int k = i * cells; k < (i + 1) * cells; k++) sum += w[k];
                if (!(sum > 0)) throw new IllegalArgumentException("weights of item " + i + " must have a positive sum");
                scale[i] = (float) (1.0 / (c * sum));
            }
            sq = sq.mul(weights);
        }
        return sq.reshape(b, c * cells).sum(1, false).mul(Tensor.of(scale, b));
    }

    private static void check(Tensor pred, Tensor weights) {
        int[] s = pred.shape(), ws = weights.shape();
        boolean ok = ws.length == s.length && ws[0] == s[0] && ws[1] == 1;
        for (int d = 2; ok && d < s.length; d++) ok = ws[d] == s[d];
        if (!ok) throw new IllegalArgumentException("weights " + java.util.Arrays.toString(ws) + " for " + java.util.Arrays.toString(s));
    }
}
