package dev.tessera.model.dit;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;

/**
 * Spacetime patches: cuts the latent into pt×ps×ps cells and embeds each as one token (a Linear on the flattened
 * patch, equivalent to DiT's strided conv). Token order is (t, y, x) row-major, matching {@link
 * dev.tessera.model.nn.Rope3d}; the vector order inside a patch is (c, pt, ph, pw).
 */
public final class PatchEmbed3d extends Module {
    public final int channels, pt, ps;
    public final Linear proj;

    public PatchEmbed3d(int channels, int pt, int ps, int dim, Rng rng) {
        this.channels = channels;
        this.pt = pt;
        this.ps = ps;
        proj = add("proj", new Linear(channels * pt * ps * ps, dim, true, rng));
    }

    /** [B, C, f·pt, h·ps, w·ps] → [B, f·h·w, D]. */
    public Tensor forward(Tensor x) { return proj.forward(patchify(x, pt, ps)); }

    /** [B,C,f·pt,h·ps,w·ps] -> [B, f·h·w, C·pt·ps·ps]   (einops: b c (f pt) (h ph) (w pw) -> b (f h w) (c pt ph pw)). */
    public static Tensor patchify(Tensor x, int pt, int ps) {
        int[] s = x.shape();
        if (s.length != 5 || s[2] % pt != 0 || s[3] % ps != 0 || s[4] % ps != 0)
            throw new IllegalArgumentException("latent " + java.util.Arrays.toString(s) + " is not a whole number of "
                    + pt + "x" + ps + "x" + ps + " patches");
        int b = s[0], c = s[1], f = s[2] / pt, h = s[3] / ps, w = s[4] / ps;
        return x.reshape(b, c, f, pt, h, ps, w, ps)
                .permute(0, 2, 4, 6, 1, 3, 5, 7)
                .reshape(b, f * h * w, c * pt * ps * ps);
    }

    /** [B, f·h·w, C·pt·ps·ps] -> [B, C, f·pt, h·ps, w·ps], the inverse of {@link #patchify}. */
    public static Tensor unpatchify(Tensor tokens, int c, int f, int h, int w, int pt, int ps) {
        int b = tokens.size(0);
        if (tokens.size(1) != f * h * w || tokens.size(2) != c * pt * ps * ps)
            throw new IllegalArgumentException("tokens " + java.util.Arrays.toString(tokens.shape()) + " do not fill a "
                    + f + "x" + h + "x" + w + " grid of " + c + "-channel patches");
        return tokens.reshape(b, f, h, w, c, pt, ps, ps)
                .permute(0, 4, 1, 5, 2, 6, 3, 7)
                .reshape(b, c, f * pt, h * ps, w * ps);
    }
}
