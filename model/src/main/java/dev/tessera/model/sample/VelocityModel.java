package dev.tessera.model.sample;

import dev.tessera.engine.Tensor;
import dev.tessera.model.text.TextContext;

/** The one link between a network and the flow process (STYLE.md §6): the velocity dx/dt at time t. */
@FunctionalInterface
public interface VelocityModel {
    /** x [B, C, f, h, w] latent, t [B] in [0, 1] (1 = noise), context [B, L, D] → velocity, x's shape. */
    Tensor velocity(Tensor x, Tensor t, TextContext context);
}
