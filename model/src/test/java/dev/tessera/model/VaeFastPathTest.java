package dev.tessera.model;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.vae.CausalConv3d;
import dev.tessera.model.vae.VideoVae;
import org.junit.jupiter.api.Test;

/** The inference-only vol2col conv path agrees with the engine's conv3d (the path used with the tape on). */
class VaeFastPathTest {
    @Test void inferenceConvMatchesTheEngineConvOnAwkwardShapes() {
        Rng rng = new Rng(4);
        int[][] cases = {{3, 5, 3, 1, 1}, {4, 6, 3, 2, 2}, {5, 3, 1, 1, 1}, {2, 7, 3, 1, 2}};
        for (int[] c : cases) {
            CausalConv3d conv = new CausalConv3d(c[0], c[1], c[2], c[3], c[4], rng);
            Tensor x = Tensor.randn(rng, 2, c[0], 5, 6, 10);
            Tensor withTape = conv.forward(x);                 // engine conv3d (grad mode on, nothing requires grad)
            Tensor fast;
            try (var off = Grad.off()) {
                fast = conv.forward(x);
            }
            Golden.close(withTape, fast, 1e-5, 1e-4, "conv " + java.util.Arrays.toString(c));
        }
    }

    @Test void wholeVaeAgreesBetweenPaths() {
        VideoVae vae = new VideoVae(VaeConfig.tiny(), new Rng(2));
        Tensor x = Tensor.rand(new Rng(3), -1f, 1f, 1, 3, 5, 16, 24);
        Tensor slow = vae.decode(vae.encode(x).mean());
        Tensor fast;
        try (var off = Grad.off()) {
            fast = vae.decode(vae.encode(x).mean());
        }
        Golden.close(slow, fast, 1e-4, 1e-3, "VAE round trip");
    }
}
