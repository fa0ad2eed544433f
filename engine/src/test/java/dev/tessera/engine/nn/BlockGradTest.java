package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Rope;
import dev.tessera.engine.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole-layer gradient checks: a miniature DiT block (adaLN modulation from chunked projections, self-attention with
 * 3D RoPE, masked cross-attention, MLP) and a causal conv VAE stage, checked end to end through every op they chain.
 */
class BlockGradTest {
    static final class MiniDitBlock extends Module {
        final LayerNorm norm1 = add("norm1", new LayerNorm(12, 1e-6f, false)), norm2 = add("norm2", new LayerNorm(12, 1e-6f, false));
        final MultiHeadAttention attn, cross;
        final MLP mlp;
        final Linear adaLN;

        MiniDitBlock(Rng rng) {
            attn = add("attn", new MultiHeadAttention(12, 2, 0, true, rng));
            cross = add("cross", new MultiHeadAttention(12, 2, 5, true, rng));
            mlp = add("mlp", new MLP(12, 24, rng));
            adaLN = add("adaLN", new Linear(12, 6 * 12, true, rng));
        }

        /** x [B, N, D], c [B, D], ctx [B, L, Dc], mask [B, L]. */
        Tensor forward(Tensor x, Tensor c, Tensor ctx, Tensor mask, Rope rope) {
            Tensor[] m = adaLN.forward(F.silu(c)).unsqueeze(1).chunk(6, -1); // 6 × [B, 1, D]
            Tensor h = norm1.forward(x).mul(m[1].add(1f)).add(m[0]);
            x = x.add(m[2].mul(attn.forward(h, rope)));
            x = x.add(cross.forward(x, ctx, mask));
            h = norm2.forward(x).mul(m[4].add(1f)).add(m[3]);
            return x.add(m[5].mul(mlp.forward(h)));
        }
    }

    @Test
    void miniDitBlock() {
        Rng rng = new Rng(3);
        MiniDitBlock block = new MiniDitBlock(rng);
        Rope rope = Rope.of3d(2, 2, 3, 6, 100); // 12 tokens, head dim 6
        Tensor x = Tensor.randn(rng, 2, 12, 12), c = Tensor.randn(rng, 2, 12), ctx = Tensor.randn(rng, 2, 4, 5);
        Tensor mask = Tensor.of(new float[] {1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
        Map<String, Tensor> p = block.namedParameters();
        dev.tessera.engine.GradCheckAccess.check("mini DiT block",
                in -> block.forward(in[0], in[1], in[2], mask, rope),
                x, c, ctx, p.get("attn.qkv.weight"), p.get("cross.kv.weight"), p.get("cross.q.bias"), p.get("adaLN.weight"),
                p.get("mlp.fc1.weight"), p.get("attn.proj.bias"));
    }

    @Test
    void causalVaeStage() {
        Rng rng = new Rng(4);
        Conv3d conv = new Conv3d(3, 4, 3, 3, 1, 1, true, true, rng);
        GroupNorm gn = new GroupNorm(2, 4, 1e-5f);
        Conv3d down = new Conv3d(4, 2, 3, 3, 2, 2, true, true, rng);
        Tensor x = Tensor.randn(rng, 1, 3, 3, 6, 5);
        dev.tessera.engine.GradCheckAccess.check("causal VAE stage",
                in -> F.upsampleNearest(down.forward(F.silu(gn.forward(conv.forward(in[0])))), 2, 2, 2),
                x, conv.weight, conv.bias, gn.weight, down.weight);
    }

    @Test
    void checkpointedBlockGivesTheSameGradients() {
        Rope rope = Rope.of3d(2, 2, 3, 6, 100);
        Tensor mask = Tensor.of(new float[] {1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
        float[][][] runs = new float[2][][];
        for (int run = 0; run < 2; run++) {
            Rng rng = new Rng(3);
            MiniDitBlock a = new MiniDitBlock(rng), b = new MiniDitBlock(rng);
            Tensor x = Tensor.randn(rng, 2, 12, 12).requiresGrad(true), c = Tensor.randn(rng, 2, 12), ctx = Tensor.randn(rng, 2, 4, 5);
            Tensor h = run == 0
                    ? b.forward(a.forward(x, c, ctx, mask, rope), c, ctx, mask, rope)
                    : F.checkpoint(in -> b.forward(in[0], c, ctx, mask, rope), F.checkpoint(in -> a.forward(in[0], c, ctx, mask, rope), x));
            h.square().mean().backward();
            runs[run] = new float[][] {h.data(), x.grad().data(), a.namedParameters().get("attn.qkv.weight").grad().data(),
                    b.namedParameters().get("adaLN.weight").grad().data()};
        }
        for (int i = 0; i < 4; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(runs[0][i], runs[1][i], 0f, "part " + i);
    }

    @Test
    void checkpointReachesParametersWhenTheInputNeedsNoGradient() {
        Rng rng = new Rng(8);
        Linear lin = new Linear(6, 6, true, rng);
        Tensor x = Tensor.randn(rng, 3, 6); // a data batch: no gradient wanted
        F.silu(lin.forward(x)).sum().backward();
        float[] plain = lin.weight.grad().toArray();
        lin.zeroGrad();
        F.checkpoint(in -> F.silu(lin.forward(in[0])), x).sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain, lin.weight.grad().data(), 0f);
    }
}
