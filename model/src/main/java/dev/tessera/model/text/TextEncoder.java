package dev.tessera.model.text;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Embedding;
import dev.tessera.engine.nn.LayerNorm;
import dev.tessera.engine.nn.MLP;
import dev.tessera.engine.nn.Module;
import dev.tessera.engine.nn.ModuleList;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.nn.Rope3d;
import dev.tessera.model.nn.SelfAttention;

/**
 * Byte-level text encoder: UTF-8 byte tokens ({@link ByteTokenizer}) → embedding → pre-norm transformer blocks with
 * 1-D rotary positions and a padding mask → final LayerNorm → context [B, L, D] for the DiT's cross-attention.
 *
 * <p>Trained jointly with the DiT (its gradient comes from the flow-matching loss through cross-attention); see
 * docs/model.md for why this over pre-training on the world's scene facts.
 */
public final class TextEncoder extends Module {
    public final TextConfig config;
    public final ByteTokenizer tokenizer;
    public final Embedding embed;
    public final ModuleList<Block> blocks;
    public final LayerNorm normOut;

    public TextEncoder(TextConfig config, Rng rng) {
        this.config = config;
        this.tokenizer = new ByteTokenizer(config.maxLength());
        embed = add("embed", new Embedding(ByteTokenizer.VOCAB, config.dim(), rng));
        blocks = add("blocks", new ModuleList<>());
        for (int i = 0; i < config.depth(); i++) blocks.append(new Block(config.dim(), config.heads(), rng));
        normOut = add("norm_out", new LayerNorm(config.dim(), 1e-6f, true));
        // unit-variance byte embeddings (T5 style), not the engine's N(0, 0.02): with tiny embeddings the residual
        // stream is soon dominated by the shared biases and every prompt's context collapses to the same vectors
        // (measured: the two captions' contexts converged while the DiT learned to ignore them)
        Tensor e = dev.tessera.engine.nn.Init.normal(rng, 1.0f, ByteTokenizer.VOCAB, config.dim());
        System.arraycopy(e.data(), 0, embed.weight.buffer(), 0, e.numel());
    }

    /** Encodes prompts as one padded batch. */
    public TextContext encode(String... prompts) { return encode(tokenizer.batch(prompts)); }

    public TextContext encode(ByteTokenizer.Batch batch) {
        int b = batch.batch(), l = batch.length();
        Tensor mask = Tensor.of(batch.mask().clone(), b, l);
        Tensor x = embed.forward(batch.ids(), b, l); // [B, L, D]
        Rope3d rope = Rope3d.sequence(config.dim() / config.heads(), l, 10000);
        for (Block blk : blocks) x = blk.forward(x, rope, mask);
        return new TextContext(normOut.forward(x), mask);
    }

    /** Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)). */
    public static final class Block extends Module {
        final LayerNorm norm1, norm2;
        final SelfAttention attn;
        final MLP mlp;

        Block(int dim, int heads, Rng rng) {
            norm1 = add("norm1", new LayerNorm(dim, 1e-6f, true));
            attn = add("attn", new SelfAttention(dim, heads, rng));
            norm2 = add("norm2", new LayerNorm(dim, 1e-6f, true));
            mlp = add("mlp", new MLP(dim, 4 * dim, rng));
        }

        Tensor forward(Tensor x, Rope3d rope, Tensor mask) {
            x = x.add(attn.forward(norm1.forward(x), rope, mask));
            return x.add(mlp.forward(norm2.forward(x)));
        }
    }

}
