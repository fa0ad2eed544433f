package dev.tessera.model.vae;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Module;

/** norm1 → SiLU → conv1 → norm2 → SiLU → conv2, plus the input (through a 1×1×1 {@code skip} when channels change). */
public final class ResBlock3d extends Module {
    final FrameGroupNorm norm1, norm2;
    final CausalConv3d conv1, conv2, skip;

    public ResBlock3d(int in, int out, int groups, Rng rng) {
        norm1 = add("norm1", new FrameGroupNorm(groups, in));
        conv1 = add("conv1", new CausalConv3d(in, out, rng));
        norm2 = add("norm2", new FrameGroupNorm(groups, out));
        conv2 = add("conv2", new CausalConv3d(out, out, rng));
        skip = in != out ? add("skip", new CausalConv3d(in, out, 1, 1, 1, rng)) : null;
    }

    public Tensor forward(Tensor x) {
        Tensor h = conv1.forward(F.silu(norm1.forward(x)));
        h = conv2.forward(F.silu(norm2.forward(h)));
        return (skip != null ? skip.forward(x) : x).add(h);
    }
}
