package dev.tessera.engine;

/** One tape entry: the inputs of an op and how to turn the output's gradient into theirs. */
final class Node {
    /** Receives the output gradient as a contiguous array in the output's shape; calls {@link Tensor#accumulate}. */
    @FunctionalInterface
    interface Backward {
        void apply(float[] gradOut);
    }

    /** Marks a computed tensor whose node already ran (its saved activations are gone). */
    static final Node RELEASED = new Node(new Tensor[0], g -> {
        throw new IllegalStateException("backward through a graph that was already back-propagated (saved activations are freed); recompute the forward");
    });

    final Tensor[] inputs;
    Backward backward;

    Node(Tensor[] inputs, Backward backward) {
        this.inputs = inputs;
        this.backward = backward;
    }
}
