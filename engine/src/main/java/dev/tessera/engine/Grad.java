package dev.tessera.engine;

/**
 * Switches the tape on and off for the current thread.
 * <pre>{@code try (var g = Grad.off()) { Tensor y = model.forward(x); }  // inference: nothing recorded }</pre>
 * With the tape off an op allocates its result and nothing else: no node, no saved inputs.
 */
public final class Grad implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private final boolean previous;

    private Grad(boolean enable) {
        boolean[] flag = ENABLED.get();
        previous = flag[0];
        flag[0] = enable;
    }

    /** Inference mode until {@link #close()}. */
    public static Grad off() { return new Grad(false); }

    /** Tape on again inside an {@link #off()} region (e.g. a training step called from an eval loop). */
    public static Grad on() { return new Grad(true); }

    public static boolean enabled() { return ENABLED.get()[0]; }

    @Override
    public void close() { ENABLED.get()[0] = previous; }

    /** True when the tape is on and any input wants a gradient: the only case an op records a node. */
    static boolean needed(Tensor... inputs) {
        if (!enabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) return true;
        return false;
    }
}
