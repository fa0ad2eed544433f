package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/** fc1 → GELU(tanh) → fc2, the transformer feed-forward block. */
public final class MLP extends Module {
    public final Linear fc1, fc2;

    public MLP(int dim, int hidden, Rng rng) {
        fc1 = add("fc1", new Linear(dim, hidden, true, rng));
        fc2 = add("fc2", new Linear(hidden, dim, true, rng));
    }

    /** [..., D] → [..., D]. */
    public Tensor forward(Tensor x) { return fc2.forward(F.gelu(fc1.forward(x))); }
}
