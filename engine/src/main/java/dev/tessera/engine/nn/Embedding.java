package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/** Token table {@code weight} [V, D], initialised N(0, 0.02). */
public final class Embedding extends Module {
    public final Tensor weight;

    public Embedding(int vocab, int dim, Rng rng) { weight = param("weight", Init.normal(rng, 0.02f, vocab, dim)); }

    /** ids laid out as idShape → [*idShape, D]. */
    public Tensor forward(int[] ids, int... idShape) { return F.embedding(weight, ids, idShape); }
}
