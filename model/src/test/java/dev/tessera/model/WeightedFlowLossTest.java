package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.FlowMatchingLoss;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.TextEncoder;
import org.junit.jupiter.api.Test;

/** The object-weighted velocity loss: Σ w·(v − target)² / (C·Σw), checked against a hand computation. */
class WeightedFlowLossTest {
    private static final int B = 2, C = 3, F = 2, H = 2, W = 3;
    private final TextEncoder text = new TextEncoder(new TextConfig(16, 1, 2, 32), new Rng(1));
    private final FlowMatchingLoss loss = new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0);

    /** Standard-normal values of a seed (shared with DirectionContrastTest). */
    static Tensor random(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        new Rng(seed).fillNormal(t.data(), 0f, 1f);
        return t;
    }

    @Test
    void matchesAHandComputationAndEqualWeightsGiveThePlainMse() {
        Tensor x0 = random(2, B, C, F, H, W), w = random(3, B, 1, F, H, W);
        for (int i = 0; i < w.numel(); i++) w.data()[i] = Math.abs(w.data()[i]);
        String[] captions = {"a red ball", "一个蓝色的方块"};
        // v = 0.3·x_t, so the loss is a known function of x_t and t, which the model sees
        Tensor[] seen = new Tensor[2];
        VelocityModel model = (x, t, ctx) -> { seen[0] = x.copy(); seen[1] = t.copy(); return x.mul(0.3f); };
        float weighted = loss.compute(model, text, x0, captions, 12, new Rng(7), w).loss().item();
        // x_t = (1 − t)·x0 + t·ε and target = ε − x0, so target = (x_t − x0) / t
        double num = 0, den = 0;
        int cells = F * H * W;
        for (int b = 0; b < B; b++) {
            float t = seen[1].data()[b];
            for (int c = 0; c < C; c++)
                for (int k = 0; k < cells; k++) {
                    int at = (b * C + c) * cells + k;
                    double xt = seen[0].data()[at], target = (xt - x0.data()[at]) / t, d = 0.3 * xt - target;
                    num += w.data()[b * cells + k] * d * d;
                }
            for (int k = 0; k < cells; k++) den += C * w.data()[b * cells + k];
        }
        assertEquals(num / den, weighted, 1e-4 * num / den);

        float plain = loss.compute(model, text, x0, captions, 12, new Rng(7)).loss().item();
        float equal = loss.compute(model, text, x0, captions, 12, new Rng(7), Tensor.zeros(B, 1, F, H, W).add(5f)).loss().item();
        assertEquals(plain, equal, 1e-6 * plain);
        assertThrows(IllegalArgumentException.class, () -> loss.compute(model, text, x0, captions, 12, new Rng(7), Tensor.zeros(B, 1, F, H, W)));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(model, text, x0, captions, 12, new Rng(7), Tensor.zeros(B, C, F, H, W).add(1f)));
    }
}
