package dev.tessera.model.config;

/**
 * Diffusion transformer over spacetime latent patches (DiT with adaLN-Zero, cross-attention to text, RoPE-3D).
 *
 * @param dim            token width
 * @param depth          blocks
 * @param heads          attention heads; head dim = dim/heads, split over (time, height, width) for RoPE-3D
 * @param mlpRatio       MLP hidden = mlpRatio·dim
 * @param patchT         latent frames per patch (1: every latent frame is its own token row). With 2 on a ×2 VAE a
 *                       token spans the same four video frames as a token of patch 1 on a ×4 VAE — the same token
 *                       count and cost — but the motion inside it reaches the DiT's patch instead of being smeared by
 *                       the VAE. A latent whose frame count is not a multiple of patchT is padded at the front with
 *                       copies of its first frame, so the causal first frame stays alone with its copy
 *                       ({@link dev.tessera.model.dit.DiffusionTransformer#velocity})
 * @param patchS         latent pixels per patch side (2: a 2×2 latent patch = 16×16 pixels)
 * @param latentChannels channels of the VAE latent
 * @param contextDim     width of the text encoder's context
 * @param ropeTheta      RoPE base
 * @param textPositions  0: the text tokens reach the cross-attention with no position of their own (every model
 *                       before the fourteenth session); N: a learned table of N positions, zero at the start, is
 *                       added to the projected text tokens ({@code y_embedder.pos}), so keys and values say where in
 *                       the caption a byte stands — "from left to right" and "from right to left" hold the same
 *                       bytes, and the masked mean that feeds adaLN cannot tell them apart (docs/default-model.md)
 * @param timeScale      time position of token frame k (RoPE and the sin-cos table): k·timeScale. 1 for a DiT
 *                       trained from scratch; a DiT moved onto a VAE with less time compression
 *                       ({@code train dit --init-transfer}) keeps its source's positions per video frame — from a ×4
 *                       VAE to a ×2 one, 0.5 — so its attention sees the time offsets it was trained on
 *                       ({@code model.json} files without it read as 1)
 */
public record DitConfig(int dim, int depth, int heads, int mlpRatio, int patchT, int patchS, int latentChannels,
                        int contextDim, double ropeTheta, int textPositions, double timeScale) {
    /** Without a text position table. */
    public DitConfig(int dim, int depth, int heads, int mlpRatio, int patchT, int patchS, int latentChannels,
                     int contextDim, double ropeTheta) {
        this(dim, depth, heads, mlpRatio, patchT, patchS, latentChannels, contextDim, ropeTheta, 0);
    }

    /** Latent frame k at time position k. */
    public DitConfig(int dim, int depth, int heads, int mlpRatio, int patchT, int patchS, int latentChannels,
                     int contextDim, double ropeTheta, int textPositions) {
        this(dim, depth, heads, mlpRatio, patchT, patchS, latentChannels, contextDim, ropeTheta, textPositions, 1.0);
    }

    public DitConfig {
        if (dim < 1 || heads < 1 || dim % heads != 0)
            throw new IllegalArgumentException("dit dim " + dim + " must be a multiple of heads " + heads);
        int dh = dim / heads;
        if (dh % 2 != 0 || dh < 6) throw new IllegalArgumentException("dit head dim " + dh + " must be even and >= 6 for RoPE-3D");
        if (depth < 1 || mlpRatio < 1) throw new IllegalArgumentException("dit depth and mlpRatio must be >= 1");
        if (patchT < 1 || patchS < 1) throw new IllegalArgumentException("dit patch sizes must be >= 1");
        if (latentChannels < 1 || contextDim < 1) throw new IllegalArgumentException("dit latentChannels and contextDim must be >= 1");
        if (!(ropeTheta > 1)) throw new IllegalArgumentException("dit ropeTheta must be > 1: " + ropeTheta);
        if (textPositions < 0 || textPositions > 4096) throw new IllegalArgumentException("dit textPositions must be in 0..4096: " + textPositions);
        if (!(timeScale > 0 && timeScale <= 64)) throw new IllegalArgumentException("dit timeScale must be in (0, 64]: " + timeScale);
    }

    /** The same DiT with a learned table of {@code n} text positions (0: none). */
    public DitConfig withTextPositions(int n) {
        return new DitConfig(dim, depth, heads, mlpRatio, patchT, patchS, latentChannels, contextDim, ropeTheta, n, timeScale);
    }

    /** The same DiT reading an {@code n}-channel latent (a transfer to another VAE: {@code train dit --init-transfer}). */
    public DitConfig withLatentChannels(int n) {
        return new DitConfig(dim, depth, heads, mlpRatio, patchT, patchS, n, contextDim, ropeTheta, textPositions, timeScale);
    }

    /** The same DiT with latent frame k at time position k·{@code scale}. */
    public DitConfig withTimeScale(double scale) {
        return new DitConfig(dim, depth, heads, mlpRatio, patchT, patchS, latentChannels, contextDim, ropeTheta, textPositions, scale);
    }

    /** The same DiT with {@code pt} latent frames per patch (a transfer: {@code train dit --init-transfer --patch-t}). */
    public DitConfig withPatchT(int pt) {
        return new DitConfig(dim, depth, heads, mlpRatio, pt, patchS, latentChannels, contextDim, ropeTheta, textPositions, timeScale);
    }

    /** Token frames for {@code latentFrames} latent frames: the latent padded at the front to a whole number of patches. */
    public int tokenFrames(int latentFrames) { return (latentFrames + patchT - 1) / patchT; }

    public int headDim() { return dim / heads; }

    public int patchDim() { return latentChannels * patchT * patchS * patchS; }

    /**
     * DiT presets (Peebles &amp; Xie): tiny for tests; XS (192 wide, 6 blocks, head dim 64, 4.3M parameters at 8
     * latent channels) is the size a 2-core CPU trains for thousands of steps in a session (issue 7); S is DiT-S's width and heads at depth 7 (not 12) so the whole
     * model (DiT 23.4M + text 2.4M + VAE 1.9M parameters) stays under issue 7's 60 MB in bf16 — measured: depth 8
     * with the [1,2,4] VAE came to 34.4M = 69 MB; B is DiT-B.
     */
    public static DitConfig preset(String name, int latentChannels, int contextDim) {
        return switch (name) {
            case "tiny" -> new DitConfig(64, 2, 4, 4, 1, 2, latentChannels, contextDim, 10000);
            case "XS" -> new DitConfig(192, 6, 3, 4, 1, 2, latentChannels, contextDim, 10000);
            case "S" -> new DitConfig(384, 7, 6, 4, 1, 2, latentChannels, contextDim, 10000);
            case "B" -> new DitConfig(768, 12, 12, 4, 1, 2, latentChannels, contextDim, 10000);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; allowed: tiny, XS, S, B");
        };
    }
}
