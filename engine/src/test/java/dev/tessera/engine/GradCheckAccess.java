package dev.tessera.engine;

import java.util.function.Function;

/** Public door to the package-private {@link GradCheck} for tests in sub-packages. */
public final class GradCheckAccess {
    private GradCheckAccess() {}

    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) { GradCheck.check(name, f, inputs); }
}
