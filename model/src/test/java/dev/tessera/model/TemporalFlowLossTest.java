package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.FlowMatchingLoss;
import dev.tessera.model.loss.WeightedMse;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.TextEncoder;
import org.junit.jupiter.api.Test;

/** The frame-difference term of the flow-matching loss (--temporal-weight), against a hand computation. */
class TemporalFlowLossTest {
    private static final int B = 2, C = 3, F = 3, H = 2, W = 2;
    private final TextEncoder text = new TextEncoder(new TextConfig(16, 1, 2, 32), new Rng(1));

    @Test
    void theTermIsTheWeightedMeanSquareOfTheErrorsFrameToFrameChange() {
        Tensor v = WeightedFlowLossTest.random(4, B, C, F, H, W), target = WeightedFlowLossTest.random(5, B, C, F, H, W);
        Tensor w = WeightedFlowLossTest.random(6, B, 1, F, H, W);
        for (int i = 0; i < w.numel(); i++) w.data()[i] = 1 + Math.abs(w.data()[i]);
        int cells = H * W;
        double num = 0, den = 0;
        for (int b = 0; b < B; b++)
            for (int k = 1; k < F; k++)
                for (int s = 0; s < cells; s++) {
                    double wb = 0.5 * (w.data()[(b * F + k) * cells + s] + w.data()[(b * F + k - 1) * cells + s]);
                    den += C * wb;
                    for (int c = 0; c < C; c++) {
                        int at = ((b * C + c) * F + k) * cells + s, prev = at - cells;
                        double d = (v.data()[at] - target.data()[at]) - (v.data()[prev] - target.data()[prev]);
                        num += wb * d * d;
                    }
                }
        float got = FlowMatchingLoss.temporalTerm(v, target, w).item();
        assertEquals(num / den, got, 1e-5 * num / den);

        // an error that is the same in every frame costs nothing; one that flips sign every frame costs 4x its MSE
        Tensor same = Tensor.zeros(B, C, F, H, W), flip = Tensor.zeros(B, C, F, H, W);
        for (int b = 0; b < B; b++)
            for (int c = 0; c < C; c++)
                for (int k = 0; k < F; k++)
                    for (int s = 0; s < cells; s++) {
                        int at = ((b * C + c) * F + k) * cells + s;
                        float e = (float) Math.sin(1 + b + 3 * c + 7 * s);
                        same.data()[at] = target.data()[at] + e;
                        flip.data()[at] = target.data()[at] + (k % 2 == 0 ? e : -e);
                    }
        assertEquals(0, FlowMatchingLoss.temporalTerm(same, target, null).item(), 1e-10);
        assertEquals(4 * WeightedMse.of(flip, target, null).item(), FlowMatchingLoss.temporalTerm(flip, target, null).item(), 1e-5);
        assertThrows(IllegalArgumentException.class,
                () -> FlowMatchingLoss.temporalTerm(v.narrow(2, 0, 1), target.narrow(2, 0, 1), null));
    }

    @Test
    void theLossAddsTheTermTimesItsWeightAndItsGradientReachesTheModel() {
        Tensor x0 = WeightedFlowLossTest.random(2, B, C, F, H, W), w = WeightedFlowLossTest.random(3, B, 1, F, H, W);
        for (int i = 0; i < w.numel(); i++) w.data()[i] = 1 + Math.abs(w.data()[i]);
        String[] captions = {"a red ball", "一个蓝色的方块"};
        Tensor scale = Tensor.zeros(1).add(0.3f).requiresGrad(true);
        Tensor[] seen = new Tensor[2];
        VelocityModel model = (x, t, ctx) -> { seen[0] = x.copy(); seen[1] = t.copy(); return x.mul(scale); };
        float plain = new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0).compute(model, text, x0, captions, 12, new Rng(7), w).loss().item();
        Tensor vPlain = seen[0].mul(0.3f);
        FlowMatchingLoss withTerm = new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0, null, 2.5);
        Tensor loss = withTerm.compute(model, text, x0, captions, 12, new Rng(7), w).loss();
        // x_t = (1 − t)·x0 + t·ε and target = ε − x0, so target = (x_t − x0) / t (the model saw x_t and t)
        float[] t = seen[1].data();
        Tensor target = Tensor.zeros(B, C, F, H, W);
        int per = C * F * H * W;
        for (int i = 0; i < target.numel(); i++) target.data()[i] = (seen[0].data()[i] - x0.data()[i]) / t[i / per];
        float term = FlowMatchingLoss.temporalTerm(vPlain, target, w).item();
        assertTrue(term > 0);
        assertEquals(plain + 2.5 * term, loss.item(), 1e-4 * loss.item());
        loss.backward();
        assertTrue(scale.grad() != null && Math.abs(scale.grad().item()) > 0, "the term's gradient reaches the model");

        // one latent frame: the term is skipped, the loss is the plain one
        Tensor one = x0.narrow(2, 0, 1).copy(), wOne = w.narrow(2, 0, 1).copy();
        assertEquals(new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0).compute(model, text, one, captions, 12, new Rng(7), wOne).loss().item(),
                withTerm.compute(model, text, one, captions, 12, new Rng(7), wOne).loss().item(), 0f);
        assertThrows(IllegalArgumentException.class, () -> new FlowMatchingLoss(FlowMatching.DEFAULT, 0.0, null, -1));
    }
}
