package dev.tessera.model.loss;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.TextEncoder;

/**
 * Holds part of the flow path to a frozen teacher while a fine-tune changes the rest. For clean latents x0 and
 * captions, draw per item a time t in the {@code process}'s range (logit-normal, shifted, mapped into [tMin, tMax]
 * as training times are) and fresh noise ε, form x_t = (1−t)·x0 + t·ε, and regress the student's velocity onto the
 * teacher's at the same x_t, t and caption (each caption dropped to the empty prompt with probability
 * {@code dropCaption}, so the unconditional velocity that guidance uses is held too): Σ w·(v − v_teacher)² / (C · Σ w)
 * ({@link WeightedMse}). The teacher runs without a tape, with its own text encoder.
 *
 * <p>Why: a DiT fine-tuned on t ∈ [0.5, 1] only drifts where it never trains (t &lt; 0.5), and that drift can undo what
 * the shipped model did there (docs/default-model.md, twenty-eighth session); training the low-noise half on the
 * fine-tune's data did not bring it back. The anchor asks the student to stay what the teacher was below the cut.
 */
public record TeacherAnchor(VelocityModel teacher, TextEncoder teacherText, FlowMatching process, double dropCaption) {
    public TeacherAnchor {
        if (teacher == null || teacherText == null || process == null) throw new IllegalArgumentException("the anchor needs a teacher, its text encoder and a time range");
        if (!(dropCaption >= 0 && dropCaption <= 1)) throw new IllegalArgumentException("dropCaption must be in [0,1]: " + dropCaption);
    }

    /** @param tokens DiT tokens per item (for the time shift); {@code weights} [B, 1, f, h, w] or null (all ones) */
    public Tensor compute(VelocityModel student, TextEncoder text, Tensor x0, String[] captions, int tokens, Rng rng, Tensor weights) {
        int b = x0.size(0);
        FlowMatchingLoss.Draw d = FlowMatchingLoss.Draw.of(process, dropCaption, captions, b, tokens, rng);
        float[] t = d.times();
        String[] used = d.captions();
        float[] eps = new float[x0.numel()];
        rng.fillNormal(eps, 0f, 1f);
        float[] xt = FlowMatching.interpolate(x0.data(), eps, t);
        Tensor target;
        try (var g = Grad.off()) {
            target = Tensor.of(teacher.velocity(Tensor.of(xt.clone(), x0.shape()), Tensor.of(t.clone(), b), teacherText.encode(used)).toArray(), x0.shape());
        }
        Tensor v = student.velocity(Tensor.of(xt, x0.shape()), Tensor.of(t, b), text.encode(used));
        return WeightedMse.of(v, target, weights);
    }
}
