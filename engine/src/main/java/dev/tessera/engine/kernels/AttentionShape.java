package dev.tessera.engine.kernels;

/**
 * Sizes of one scaled-dot-product attention call: {@code batch} × {@code heads} independent problems, each with
 * {@code queries} query rows and {@code keys} key/value rows of width {@code headDim} (values have the same width).
 *
 * <p>{@code causal}: query i sees key j only when {@code j <= i} (top-left aligned, as PyTorch's
 * {@code scaled_dot_product_attention(is_causal=True)}); meant for {@code queries == keys}.
 * {@code scale} multiplies the logits, usually {@code 1/sqrt(headDim)}.
 */
public record AttentionShape(int batch, int heads, int queries, int keys, int headDim, float scale, boolean causal) {
    public AttentionShape {
        if (batch < 0 || heads < 0 || queries < 0 || keys < 0 || headDim < 1)
            throw new IllegalArgumentException("attention: bad sizes batch=" + batch + " heads=" + heads
                    + " queries=" + queries + " keys=" + keys + " headDim=" + headDim);
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("attention: scale must be finite, got " + scale);
    }

    /** Self- or cross-attention with the usual {@code 1/sqrt(headDim)} scale. */
    public static AttentionShape of(int batch, int heads, int queries, int keys, int headDim, boolean causal) {
        return new AttentionShape(batch, heads, queries, keys, headDim, (float) (1.0 / Math.sqrt(headDim)), causal);
    }

    /** Multiply-adds of the forward pass: QK^T and PV, ignoring masking. */
    public double forwardFlops() {
        return 4.0 * batch * heads * queries * keys * headDim;
    }

    /** Multiply-adds of the backward pass (QK^T recomputed, dP = dO·V^T, dV, dQ, dK): 2.5× the forward. */
    public double backwardFlops() {
        return 10.0 * batch * heads * queries * keys * headDim;
    }
}
