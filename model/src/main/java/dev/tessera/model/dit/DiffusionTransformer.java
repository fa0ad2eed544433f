package dev.tessera.model.dit;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Init;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;
import dev.tessera.engine.nn.ModuleList;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.nn.Rope3d;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.TextContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Diffusion transformer over spacetime latent patches. Predicts the flow-matching velocity; knows nothing of the
 * flow process itself. Checkpoint names follow DiT/PixArt: {@code x_embedder.proj}, {@code t_embedder.mlp.0},
 * {@code y_embedder.proj}, {@code blocks.3.attn.qkv.weight}, {@code final_layer.linear}.
 */
public final class DiffusionTransformer extends Module implements VelocityModel {
    public final DitConfig config;
    public final PatchEmbed3d xEmbedder;
    public final TimestepEmbedder tEmbedder;
    public final Linear yProj, yPool;
    /** The state-dict name of {@link #yPos}. */
    public static final String TEXT_POSITIONS = "y_embedder.pos";
    /** The parameters whose meaning depends on the VAE's latent: the patch embedding and the output projection. */
    public static final List<String> LATENT_FACING = List.of("x_embedder.proj.weight", "x_embedder.proj.bias",
            "final_layer.linear.weight", "final_layer.linear.bias");
    /** [textPositions, D] added to the projected text tokens; null without ({@link DitConfig#textPositions}). */
    public final Tensor yPos;
    public final ModuleList<DitBlock> blocks;
    public final FinalLayer finalLayer;
    /** RoPE and position tables per token grid, built once (sampling calls velocity with the same grid each step). */
    private final Map<List<Integer>, Grid> grids = new ConcurrentHashMap<>();

    private record Grid(Rope3d rope, Tensor pos) {}

    public DiffusionTransformer(DitConfig config, Rng rng) {
        this.config = config;
        int d = config.dim();
        xEmbedder = add("x_embedder", new PatchEmbed3d(config.latentChannels(), config.patchT(), config.patchS(), d, rng));
        tEmbedder = add("t_embedder", new TimestepEmbedder(d, rng));
        TimestepEmbedder.Seq y = add("y_embedder", new TimestepEmbedder.Seq());
        yProj = y.put("proj", new Linear(config.contextDim(), d, true, rng));
        yPool = y.put("pool", new Linear(config.contextDim(), d, true, rng));
        yPos = config.textPositions() > 0 ? y.put("pos", Tensor.zeros(config.textPositions(), d)) : null;
        blocks = add("blocks", new ModuleList<>());
        for (int i = 0; i < config.depth(); i++) blocks.append(new DitBlock(d, config.heads(), config.mlpRatio(), rng));
        finalLayer = add("final_layer", new FinalLayer(d, config.patchDim(), rng));
        initializeWeights(rng);
    }

    /**
     * All special initialisation in one place (DiT's {@code initialize_weights}): Xavier-uniform Linears with zero
     * bias, N(0, 0.02) timestep MLP, and zeros for every adaLN modulation, the cross-attention output projection
     * and the final layer, so the network starts as "every block is the identity, the velocity is 0".
     */
    public void initializeWeights(Rng rng) {
        for (var e : namedParameters().entrySet()) {
            Tensor p = e.getValue();
            int[] s = p.shape();
            if (s.length == 2) {
                Tensor v = Init.xavierUniform(rng, s[1], s[0], s);
                System.arraycopy(v.data(), 0, p.buffer(), 0, p.numel());
            } else if (e.getKey().endsWith(".bias")) {
                Init.fill(p, 0f);
            }
        }
        for (Linear l : new Linear[] {tEmbedder.first(), tEmbedder.second()}) {
            Tensor v = Init.normal(rng, 0.02f, l.weight.shape());
            System.arraycopy(v.data(), 0, l.weight.buffer(), 0, l.weight.numel());
        }
        for (DitBlock b : blocks) {
            zero(b.adaLN);
            zero(b.crossAttn.proj);
        }
        zero(finalLayer.adaLN);
        zero(finalLayer.linear);
        if (yPos != null) Init.fill(yPos, 0f); // starts as the model without positions
    }

    private static void zero(Linear l) {
        Init.fill(l.weight, 0f);
        if (l.bias != null) Init.fill(l.bias, 0f);
    }

    /**
     * Masked mean of the context over its tokens, [B, Dc]. Added (projected) to the timestep embedding so the caption
     * also steers every block's adaLN modulation, as SD3 and Flux add a pooled text vector: cross-attention alone
     * was measured to learn caption dependence far more slowly in the tiny overfit test.
     */
    static Tensor pooled(TextContext context) { return context.mean(); }

    /**
     * x [B, C, F, H, W] latent, t [B], context [B, L, Dc] → velocity [B, C, F, H, W]. With {@code patchT > 1} and F not
     * a multiple of it, the latent is padded at the front with copies of frame 0 (a causal VAE encodes frame 0 alone,
     * so a ×2 latent of 1 + 2k frames becomes token frames [0', 0], [1, 2], ... — the frame groups a ×4 latent has)
     * and the velocity of the padding is dropped.
     */
    @Override public Tensor velocity(Tensor x, Tensor t, TextContext context) {
        int pad = padFrames(x.size(2));
        if (pad == 0) return velocityWhole(x, t, context);
        Tensor[] parts = new Tensor[pad + 1];
        Tensor first = x.slice(2, 0, 1);
        for (int i = 0; i < pad; i++) parts[i] = first;
        parts[pad] = x;
        return velocityWhole(F.concat(2, parts), t, context).slice(2, pad, pad + x.size(2)).contiguous();
    }

    /** Copies of frame 0 put in front of a latent of {@code frames} frames to make whole patches. */
    public int padFrames(int frames) { return (config.patchT() - frames % config.patchT()) % config.patchT(); }

    private Tensor velocityWhole(Tensor x, Tensor t, TextContext context) {
        int[] s = x.shape();
        int f = s[2] / config.patchT(), h = s[3] / config.patchS(), w = s[4] / config.patchS();
        Grid grid = grids.computeIfAbsent(List.of(f, h, w), k -> new Grid(
                Rope3d.grid(config.headDim(), f, h, w, config.ropeTheta(), config.timeScale()),
                PosEmbed3d.table(config.dim(), f, h, w, config.timeScale())));
        Rope3d rope = grid.rope();
        Tensor tokens = xEmbedder.forward(x).add(grid.pos());   // [B, N, D], N = f·h·w
        Tensor c = tEmbedder.forward(t).add(yPool.forward(pooled(context))); // [B, D]
        Tensor y = yProj.forward(context.tokens());             // [B, L, D]
        if (yPos != null) {
            int l = context.length();
            if (l > yPos.size(0))
                throw new IllegalArgumentException("caption of " + l + " tokens, the DiT's text position table holds " + yPos.size(0));
            y = y.add(yPos.slice(0, 0, l).unsqueeze(0));       // where each byte stands
        }
        for (DitBlock b : blocks) tokens = b.forward(tokens, c, y, context.mask(), rope);
        Tensor out = finalLayer.forward(tokens, c);             // [B, N, C·pt·ps·ps]
        return PatchEmbed3d.unpatchify(out, config.latentChannels(), f, h, w, config.patchT(), config.patchS());
    }
}
