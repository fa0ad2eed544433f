package dev.tessera.model.config;

import java.util.List;

/**
 * Causal 3D VAE: three levels (channels {@code baseChannels·mult[i]}), space halved at every level (×8) and time at
 * the deepest {@code log2(timeDown)} of them (×4 at the two deeper ones, ×2 at the deepest, ×1 at none), a
 * {@code latentChannels}-channel KL-regularised latent.
 *
 * @param baseChannels   channels at full resolution (the cost of the VAE is dominated by this level)
 * @param mult           channel multiplier per level, exactly three
 * @param latentChannels channels of the latent the DiT works in
 * @param groups         groups of the per-frame group norm (must divide every level's channels)
 * @param klWeight       β of the KL term: small, so the latent stays informative but bounded (SD's VAE uses 1e-6
 *                       on a sum; ours is on a mean, hence larger)
 * @param latentShift    subtracted from the latent mean before the DiT sees it (measured after VAE training)
 * @param latentScale    multiplied after the shift so the DiT's latent has unit variance (measured likewise)
 * @param shortcut       DC-AE-style residual autoencoding (Chen et al. 2024): the encoder adds the input averaged over
 *                       each latent cell (frame 0 alone, then groups of {@code timeDown} frames, 8×8 pixels) to the first 3 latent
 *                       channels, and the decoder adds those channels, repeated back over the cell, to its output.
 *                       The networks then learn only the residual, so the VAE starts at a blurry-but-right-colour
 *                       reconstruction instead of grey, and small objects keep their colour in the latent.
 * @param shortcutUpsample how the decoder spreads the shortcut channels back over their cells: "nearest" (each cell a
 *                       flat 8×8 block, as the VAE was first trained) or "bilinear" (interpolated between cell centres).
 *                       With "nearest" every error a DiT makes in channels 0–2 reaches the pixels as a flat-coloured
 *                       8×8 block (the noisy mosaic of the first models); "bilinear" needs a decoder fine-tuned to it
 *                       ({@code train vae --decoder-noise S --shortcut-upsample bilinear})
 * @param timeDown       time compression: 4 (frame 0 alone, then groups of four frames per latent frame; every model
 *                       saved before the choice existed), 2 (pairs) or 1 (every frame its own latent
 *                       frame). Less compression keeps fast motion (the ×4 latent smears a moving thing over its
 *                       group, docs/default-model.md) and gives the DiT more latent frames to model.
 */
public record VaeConfig(int baseChannels, List<Integer> mult, int latentChannels, int groups, double klWeight,
                        double latentShift, double latentScale, boolean shortcut, String shortcutUpsample,
                        int timeDown) {
    /** Time compression ×4 (every model saved before the choice existed). */
    public VaeConfig(int baseChannels, List<Integer> mult, int latentChannels, int groups, double klWeight,
                     double latentShift, double latentScale, boolean shortcut, String shortcutUpsample) {
        this(baseChannels, mult, latentChannels, groups, klWeight, latentShift, latentScale, shortcut, shortcutUpsample, 4);
    }

    /** With the shortcut spread by nearest neighbour (every model saved before the choice existed). */
    public VaeConfig(int baseChannels, List<Integer> mult, int latentChannels, int groups, double klWeight,
                     double latentShift, double latentScale, boolean shortcut) {
        this(baseChannels, mult, latentChannels, groups, klWeight, latentShift, latentScale, shortcut, "nearest");
    }

    /** Without the shortcut (the tiny, S and B presets and models saved before it existed). */
    public VaeConfig(int baseChannels, List<Integer> mult, int latentChannels, int groups, double klWeight,
                     double latentShift, double latentScale) {
        this(baseChannels, mult, latentChannels, groups, klWeight, latentShift, latentScale, false);
    }

    public VaeConfig {
        mult = List.copyOf(mult);
        if (baseChannels < 1) throw new IllegalArgumentException("vae baseChannels must be >= 1: " + baseChannels);
        if (mult.size() != 3) throw new IllegalArgumentException("vae needs exactly 3 level multipliers (x8 space): " + mult);
        if (latentChannels < 1) throw new IllegalArgumentException("vae latentChannels must be >= 1: " + latentChannels);
        for (int m : mult) {
            if (m < 1) throw new IllegalArgumentException("vae multipliers must be >= 1: " + mult);
            if (groups < 1 || (baseChannels * m) % groups != 0)
                throw new IllegalArgumentException("vae groups " + groups + " must divide every level's channels " + baseChannels * m);
        }
        if (!(klWeight >= 0)) throw new IllegalArgumentException("vae klWeight must be >= 0: " + klWeight);
        if (!(latentScale > 0)) throw new IllegalArgumentException("vae latentScale must be > 0: " + latentScale);
        if (shortcut && latentChannels < 3) throw new IllegalArgumentException("vae shortcut needs >= 3 latent channels: " + latentChannels);
        if (shortcutUpsample == null) shortcutUpsample = "nearest";
        if (!shortcutUpsample.equals("nearest") && !shortcutUpsample.equals("bilinear"))
            throw new IllegalArgumentException("vae shortcutUpsample must be nearest or bilinear: " + shortcutUpsample);
        if (timeDown != 1 && timeDown != 2 && timeDown != 4)
            throw new IllegalArgumentException("vae timeDown must be 1, 2 or 4: " + timeDown);
    }

    /** Levels (of three, counted from the deepest) that halve time: log2(timeDown). */
    public int timeLevels() { return Integer.numberOfTrailingZeros(timeDown); }

    /** The same VAE with the shortcut spread the other way (for a decoder fine-tune). */
    public VaeConfig withShortcutUpsample(String mode) {
        return new VaeConfig(baseChannels, mult, latentChannels, groups, klWeight, latentShift, latentScale, shortcut, mode, timeDown);
    }

    public int channels(int level) { return baseChannels * mult.get(level); }

    /** For tests and the parity golden: a few thousand parameters. */
    public static VaeConfig tiny() { return new VaeConfig(4, List.of(1, 2, 2), 4, 2, 1e-4, 0.0, 1.0); }

    /**
     * The shipping size: 8 latent channels at 4×8×8 (compression 3·4·64/8 = 96× in values). Fewer than the 16 of
     * Wan/HunyuanVideo because our world is simple flat-shaded geometry and our DiT is small: a narrower latent is
     * easier to model; the VAE's reconstruction PSNR on held-out world clips is the check (docs/model.md). At most
     * 64 channels ([1, 2, 2], 1.9M parameters): [1, 2, 4] measured 5.2M parameters, a tenth of the 60 MB budget.
     */
    public static VaeConfig small() { return new VaeConfig(32, List.of(1, 2, 2), 8, 8, 1e-4, 0.0, 1.0); }

    /**
     * The XS size: 16 channels at full resolution (a quarter of {@code small()}'s cost there, where the VAE spends
     * most of its time) widening to 64 at the 8×-downsampled level, the same 8-channel latent. On a 2-core CPU the
     * VAE's encoder, not the DiT, bounds how many training clips a DiT run sees (docs/train.md), so it is made cheap.
     */
    public static VaeConfig xs() { return new VaeConfig(16, List.of(1, 2, 4), 8, 8, 1e-4, 0.0, 1.0, true); }

    public static VaeConfig preset(String name) {
        return switch (name) {
            case "tiny" -> tiny();
            case "XS" -> xs();
            case "S", "B" -> small();
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; allowed: tiny, XS, S, B");
        };
    }

    /** The same VAE with an {@code n}-channel latent (a fresh VAE run: {@code train vae --latent-channels N}). */
    public VaeConfig withLatentChannels(int n) {
        return new VaeConfig(baseChannels, mult, n, groups, klWeight, latentShift, latentScale, shortcut, shortcutUpsample, timeDown);
    }

    /** The same VAE with time compression ×{@code n} (1, 2 or 4; {@code train vae --time-down N}). */
    public VaeConfig withTimeDown(int n) {
        return new VaeConfig(baseChannels, mult, latentChannels, groups, klWeight, latentShift, latentScale, shortcut, shortcutUpsample, n);
    }

    public VaeConfig withLatentStats(double shift, double scale) {
        return new VaeConfig(baseChannels, mult, latentChannels, groups, klWeight, shift, scale, shortcut, shortcutUpsample, timeDown);
    }
}
