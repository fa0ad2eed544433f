package dev.tessera.model.text;

import dev.tessera.engine.Tensor;

/**
 * Encoded prompts: context vectors [B, L, D] and a key mask [B, L] (1 = real token, 0 = padding) that the DiT's
 * cross-attention respects.
 */
public record TextContext(Tensor tokens, Tensor mask) {
    public TextContext {
        int[] s = tokens.shape(), m = mask.shape();
        if (s.length != 3 || m.length != 2 || s[0] != m[0] || s[1] != m[1])
            throw new IllegalArgumentException("context [B,L,D] and mask [B,L] disagree: "
                    + java.util.Arrays.toString(s) + " vs " + java.util.Arrays.toString(m));
    }

    public int batch() { return tokens.size(0); }

    /** Masked mean over the tokens, [B, D] (differentiable): the pooled caption vector. */
    public Tensor mean() {
        return tokens.mul(mask.unsqueeze(2)).sum(1, false).div(mask.sum(1, true));
    }

    public int length() { return tokens.size(1); }

    public int dim() { return tokens.size(2); }

    /**
     * Stacks contexts along the batch, padding each to the longest length with zero vectors and mask 0 (for a
     * guided batch [cond; uncond] evaluated in one forward). No gradient: inference only.
     */
    public static TextContext stack(TextContext... parts) {
        int b = 0, len = 0, d = parts[0].dim();
        for (TextContext p : parts) {
            if (p.dim() != d) throw new IllegalArgumentException("contexts of width " + d + " and " + p.dim());
            b += p.batch();
            len = Math.max(len, p.length());
        }
        float[] tok = new float[b * len * d], mask = new float[b * len];
        int row = 0;
        for (TextContext p : parts) {
            float[] pt = p.tokens.data(), pm = p.mask.data();
            int pl = p.length();
            for (int i = 0; i < p.batch(); i++, row++) {
                System.arraycopy(pt, i * pl * d, tok, row * len * d, pl * d);
                System.arraycopy(pm, i * pl, mask, row * len, pl);
            }
        }
        return new TextContext(Tensor.of(tok, b, len, d), Tensor.of(mask, b, len));
    }
}
