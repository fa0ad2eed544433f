package dev.tessera.model.config;

/**
 * Byte-level text encoder: a pre-norm transformer over UTF-8 byte tokens (ByT5-style) giving [B, L, dim] context.
 *
 * @param dim       width of the context vectors the DiT cross-attends to
 * @param depth     transformer blocks
 * @param heads     attention heads (dim must divide)
 * @param maxLength byte tokens per prompt incl. the end token (a Chinese character is 3)
 */
public record TextConfig(int dim, int depth, int heads, int maxLength) {
    public TextConfig {
        if (dim < 1 || depth < 0 || heads < 1 || dim % heads != 0 || (dim / heads) % 2 != 0)
            throw new IllegalArgumentException("text encoder needs dim divisible by heads into even head dims: dim "
                    + dim + ", heads " + heads + ", depth " + depth);
        if (maxLength < 2 || maxLength > 4096) throw new IllegalArgumentException("text maxLength must be in 2..4096: " + maxLength);
    }

    public static TextConfig preset(String name) {
        return switch (name) {
            case "tiny" -> new TextConfig(32, 1, 2, 96);
            case "XS" -> new TextConfig(128, 2, 4, 256);   // 256 bytes: every SimBench prompt (the longest is 210)
            case "S" -> new TextConfig(256, 3, 4, 192);   // ~2.4M params; captions are short and formulaic
            case "B" -> new TextConfig(512, 6, 8, 256);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; allowed: tiny, XS, S, B");
        };
    }
}
