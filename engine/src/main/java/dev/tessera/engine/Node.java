package dev.tessera.engine;

/** One tape entry: the inputs of an op and how to turn the output's gradient into theirs. */
final class Node {
    /** Receives the output gradient as a contiguous array in the output's shape; calls {@link Tensor#accumulate}. */
    @FunctionalInterface
    interface Backward {
        void apply(float[] gradOut);
    }

    final Tensor[] inputs;
    Backward backward;

    Node(Tensor[] inputs, Backward backward) {
        this.inputs = inputs;
        this.backward = backward;
    }
}
