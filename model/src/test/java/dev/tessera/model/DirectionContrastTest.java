package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.FlowMatchingLoss;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.DirectionSwap;
import dev.tessera.model.text.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direction contrast: mirrored captions and the logistic preference term, checked against a hand computation. */
class DirectionContrastTest {
    private static final int B = 3, C = 2, F = 2, H = 2, W = 2;
    private final TextEncoder text = new TextEncoder(new TextConfig(16, 1, 2, 64), new Rng(1));

    @Test
    void captionsAreMirroredWordForWord() {
        assertEquals("A red ball rolls from right to left.", DirectionSwap.swap("A red ball rolls from left to right."));
        assertEquals("Right to left a dog runs. The camera orbits right. The cube is left of the cone.",
                DirectionSwap.swap("Left to right a dog runs. The camera orbits left. The cube is right of the cone."));
        assertEquals("It drifts leftward, then rightwards.", DirectionSwap.swap("It drifts rightward, then leftwards."));
        assertEquals("一个红球从右向左滚动，蓝色方块在它的左面。", DirectionSwap.swap("一个红球从左向右滚动，蓝色方块在它的右面。"));
        assertNull(DirectionSwap.swap("An upright lamp glows with brightness; copyright."), "no whole word left/right");
        assertNull(DirectionSwap.swap("一个红球在跳。"));
        assertNull(DirectionSwap.swap(""));
        assertNull(DirectionSwap.swap(null));
    }

    @Test
    void theTermIsTheLogisticPreferenceOverItemsThatNameADirection() {
        Tensor x0 = WeightedFlowLossTest.random(2, B, C, F, H, W), w = WeightedFlowLossTest.random(3, B, 1, F, H, W);
        for (int i = 0; i < w.numel(); i++) w.data()[i] = 1 + Math.abs(w.data()[i]);
        String[] captions = {"a red ball rolls to the left", "一个蓝色的方块", "一个红球向右滚动"};
        // the first call (true captions) answers 0.3·x_t, the second (mirrored) 0.6·x_t
        List<Tensor> xs = new ArrayList<>(), ts = new ArrayList<>();
        VelocityModel model = (x, t, ctx) -> {
            xs.add(x.copy());
            ts.add(t.copy());
            return x.mul(xs.size() == 1 ? 0.3f : 0.6f);
        };
        double lambda = 0.7, beta = 20;
        FlowMatchingLoss plainLoss = new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0);
        FlowMatchingLoss contrast = new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0, new FlowMatchingLoss.Contrast(lambda, beta));
        float plain = plainLoss.compute(model, text, x0, captions, 8, new Rng(5), w).loss().item();
        assertEquals(1, xs.size());
        xs.clear();
        ts.clear();
        FlowMatchingLoss.Result r = contrast.compute(model, text, x0, captions, 8, new Rng(5), w);
        assertEquals(2, r.mirrored(), "items 0 and 2 name a direction");
        float with = r.loss().item();
        assertEquals(2, xs.size(), "one more pass for the mirrored captions");
        assertArrayEquals(xs.get(0).toArray(), xs.get(1).toArray(), "the same x_t");
        assertArrayEquals(ts.get(0).toArray(), ts.get(1).toArray(), "the same t");
        int cells = F * H * W;
        double term = 0;
        for (int b : new int[] {0, 2}) { // item 1 names no direction
            float t = ts.get(0).data()[b];
            double[] e = new double[2];
            double den = 0;
            for (int k = 0; k < cells; k++) den += C * w.data()[b * cells + k];
            for (int pass = 0; pass < 2; pass++) {
                double a = pass == 0 ? 0.3 : 0.6, num = 0;
                for (int c = 0; c < C; c++)
                    for (int k = 0; k < cells; k++) {
                        int at = (b * C + c) * cells + k;
                        double xt = xs.get(0).data()[at], target = (xt - x0.data()[at]) / t, d = a * xt - target;
                        num += w.data()[b * cells + k] * d * d;
                    }
                e[pass] = num / den;
            }
            term += Math.log1p(Math.exp(beta * (e[0] - e[1]))) / beta;
        }
        term *= lambda / 2;
        assertEquals(plain + term, with, 1e-4 * (plain + term));

        // no caption names a direction: no second pass, the plain loss
        xs.clear();
        float none = contrast.compute(model, text, x0, new String[] {"a red ball", "一个蓝色的方块", ""}, 8, new Rng(5), w).loss().item();
        assertEquals(1, xs.size());
        xs.clear();
        assertEquals(plainLoss.compute(model, text, x0, new String[] {"a red ball", "一个蓝色的方块", ""}, 8, new Rng(5), w).loss().item(), none);
        assertThrows(IllegalArgumentException.class, () -> new FlowMatchingLoss.Contrast(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new FlowMatchingLoss.Contrast(1, -1));
    }
}
