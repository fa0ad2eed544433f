package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.flow.TimeShift;
import dev.tessera.model.loss.TeacherAnchor;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.TextEncoder;
import org.junit.jupiter.api.Test;

/** The held term of an anchored fine-tune (--anchor): the student's distance to a frozen teacher below a time. */
class TeacherAnchorTest {
    private static final int B = 3, C = 2, F = 2, H = 2, W = 2;
    private final TextEncoder text = new TextEncoder(new TextConfig(16, 1, 2, 32), new Rng(1));
    private final String[] captions = {"a red ball", "一个蓝色的方块", "a cat walks left"};

    @Test
    void theTermIsTheWeightedDistanceToTheTeachersVelocityAtTimesBelowTheCut() {
        Tensor x0 = WeightedFlowLossTest.random(2, B, C, F, H, W), w = WeightedFlowLossTest.random(3, B, 1, F, H, W);
        for (int i = 0; i < w.numel(); i++) w.data()[i] = 1 + Math.abs(w.data()[i]);
        Tensor[] seen = new Tensor[4];
        VelocityModel teacher = (x, t, ctx) -> { seen[0] = x.copy(); seen[1] = t.copy(); return x.mul(0.5f); };
        VelocityModel student = (x, t, ctx) -> { seen[2] = x.copy(); seen[3] = t.copy(); return x.mul(0.2f); };
        TeacherAnchor anchor = new TeacherAnchor(teacher, text, new FlowMatching(0, 1, TimeShift.FLUX, 0, 0.4), 0);
        float got = anchor.compute(student, text, x0, captions, 64, new Rng(9), w).item();
        assertArrayEquals(seen[0].toArray(), seen[2].toArray(), "both networks see the same x_t");
        assertArrayEquals(seen[1].toArray(), seen[3].toArray(), "and the same times");
        for (float t : seen[1].data()) assertTrue(t > 0 && t <= 0.4f, "time " + t + " inside [0, 0.4]");
        // v − v_teacher = −0.3·x_t
        double num = 0, den = 0;
        int cells = F * H * W;
        for (int b = 0; b < B; b++) {
            for (int c = 0; c < C; c++)
                for (int k = 0; k < cells; k++) {
                    double d = 0.3 * seen[0].data()[(b * C + c) * cells + k];
                    num += w.data()[b * cells + k] * d * d;
                }
            for (int k = 0; k < cells; k++) den += C * w.data()[b * cells + k];
        }
        assertEquals(num / den, got, 1e-5 * num / den);
        assertEquals(got, anchor.compute(student, text, x0, captions, 64, new Rng(9), w).item(), "same seed, same term");
        assertEquals(0f, anchor.compute(teacher, text, x0, captions, 64, new Rng(9), w).item(), "a student equal to its teacher is held at zero");
    }

    @Test
    void theGradientPullsTheStudentTowardTheTeacher() {
        Tensor x0 = WeightedFlowLossTest.random(4, B, C, F, H, W);
        Tensor scale = Tensor.of(new float[] {0.2f}, 1).requiresGrad(true);
        VelocityModel teacher = (x, t, ctx) -> x.mul(0.5f);
        VelocityModel student = (x, t, ctx) -> x.mul(scale);
        TeacherAnchor anchor = new TeacherAnchor(teacher, text, new FlowMatching(0, 1, TimeShift.FLUX, 0, 0.5), 0.5);
        Tensor term = anchor.compute(student, text, x0, captions, 64, new Rng(5), null);
        term.backward();
        assertTrue(scale.grad().item() < 0, "d term / d scale < 0 below the teacher's 0.5: " + scale.grad().item());
        assertThrows(IllegalArgumentException.class, () -> new TeacherAnchor(teacher, text, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new TeacherAnchor(teacher, text, FlowMatching.DEFAULT, 1.5));
        assertThrows(IllegalArgumentException.class, () -> anchor.compute(student, text, x0, new String[] {"one"}, 64, new Rng(5), null));
    }
}
