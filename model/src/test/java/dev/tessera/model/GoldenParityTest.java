package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.MultiHeadAttention;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.vae.VideoVae;
import dev.tessera.model.dit.DiffusionTransformer;
import dev.tessera.model.dit.PatchEmbed3d;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.nn.Rope3d;
import dev.tessera.model.nn.SelfAttention;
import dev.tessera.model.text.TextContext;
import org.junit.jupiter.api.Test;

/** Parity against values written by the PyTorch reference (model/src/test/python/golden.py). */
class GoldenParityTest {
    @Test void patchifyAndUnpatchifyMatchTorch() {
        Golden g = Golden.load("patchify");
        Tensor lat = g.get("latent");
        Tensor tok = PatchEmbed3d.patchify(lat, 1, 2);
        Golden.close(g.get("tokens"), tok, 0, 0, "patchify");
        Golden.close(lat, PatchEmbed3d.unpatchify(tok, 4, 2, 2, 3, 1, 2), 0, 0, "unpatchify");
    }

    @Test void rope3dMatchesTorch() {
        Golden g = Golden.load("rope3d");
        Tensor out = Rope3d.grid(12, 2, 3, 4, 10000).apply(g.get("q"));
        Golden.close(g.get("rotated"), out, 1e-5, 1e-5, "rope3d");
    }

    @Test void attentionMatchesTorch() {
        Golden g = Golden.load("attention");
        Rng rng = new Rng(0);
        SelfAttention sa = Golden.formula(new SelfAttention(16, 2, rng), "attn.");
        MultiHeadAttention ca = Golden.formula(new MultiHeadAttention(16, 2, 16, true, rng), "cross_attn.");
        Tensor x = g.get("x");
        Golden.close(g.get("self"), sa.forward(x, Rope3d.grid(8, 2, 2, 3, 10000), null), 1e-5, 1e-4, "self-attention");
        Golden.close(g.get("cross"), ca.forward(x, g.get("context"), g.get("mask")), 1e-5, 1e-4, "cross-attention");
    }

    @Test void oneFlowMatchingStepThroughATinyDitMatchesTorch() {
        Golden g = Golden.load("flow_step");
        DitConfig cfg = new DitConfig(16, 1, 2, 4, 1, 2, 4, 12, 10000);
        DiffusionTransformer dit = Golden.formula(new DiffusionTransformer(cfg, new Rng(0)), "");
        float[] x0 = g.get("x0").data(), eps = g.get("eps").data();
        float t = g.get("t").item(), tNext = g.get("t_next").item();
        float[] xt = FlowMatching.interpolate(x0, eps, new float[] {t});
        Tensor xT = Tensor.of(xt, g.get("x0").shape());
        Golden.close(g.get("x_t"), xT, 1e-6, 1e-6, "x_t");
        Golden.close(g.get("target"), Tensor.of(FlowMatching.target(x0, eps), g.get("x0").shape()), 1e-6, 1e-6, "target");
        try (var off = Grad.off()) {
            Tensor vc = dit.velocity(xT, Tensor.vector(t), new TextContext(g.get("context"), g.get("context_mask")));
            Tensor vu = dit.velocity(xT, Tensor.vector(t), new TextContext(g.get("null_context"), g.get("null_mask")));
            Golden.close(g.get("v_cond"), vc, 1e-5, 1e-4, "v_cond");
            Golden.close(g.get("v_uncond"), vu, 1e-5, 1e-4, "v_uncond");
            float loss = dev.tessera.engine.F.mse(vc, g.get("target")).item();
            assertEquals(g.get("loss").item(), loss, 1e-5 * Math.abs(loss));
            float[] v = FlowMatching.guide(vc.data(), vu.data(), Double.parseDouble(g.meta.get("guidance")));
            float[] next = new float[xt.length];
            for (int i = 0; i < xt.length; i++) next[i] = xt[i] + (tNext - t) * v[i];
            Golden.close(g.get("x_next"), Tensor.of(next, g.get("x0").shape()), 1e-5, 1e-4, "Euler step");
        }
    }

    @Test void causalVaeMatchesTorchAndEncodesTheFirstFrameAlone() {
        Golden g = Golden.load("vae_tiny");
        VideoVae vae = Golden.formula(new VideoVae(new VaeConfig(4, java.util.List.of(1, 2, 2), 4, 2, 1e-4, 0, 1), new Rng(0)), "");
        try (var off = Grad.off()) {
            Tensor x = g.get("x");
            VideoVae.Posterior post = vae.encode(x);
            Golden.close(g.get("mean"), post.mean(), 1e-4, 1e-3, "VAE mean");
            Golden.close(g.get("logvar"), post.logvar(), 1e-4, 1e-3, "VAE logvar");
            Golden.close(g.get("recon"), vae.decode(post.mean()), 1e-4, 1e-3, "VAE decode");
            // an image is a one-frame video: its latent is the clip's first latent frame
            Tensor image = vae.encode(x.narrow(2, 0, 1).contiguous()).mean();
            Golden.close(post.mean().narrow(2, 0, 1).contiguous(), image, 1e-5, 1e-4, "first frame alone");
        }
    }
}
