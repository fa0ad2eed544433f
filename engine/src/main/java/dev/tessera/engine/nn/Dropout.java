package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/** Inverted dropout, active only in training mode; the mask comes from the Rng passed to forward. */
public final class Dropout extends Module {
    public final float p;

    public Dropout(float p) { this.p = p; }

    public Tensor forward(Tensor x, Rng rng) { return F.dropout(x, p, rng, training()); }
}
