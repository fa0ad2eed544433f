package dev.tessera.model.text;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * ByT5-style byte tokenizer: a prompt is its UTF-8 bytes, so English, Chinese and words never seen in training all
 * map to known ids with no vocabulary file. Ids: 0 = pad, 1 = end of text, 2 = unused (ByT5's unk), byte b = b + 3.
 *
 * <p>Limit: a Chinese character costs three tokens, so a context of {@code maxLength} bytes holds about a third as many
 * Chinese characters as English letters. Prompts are NFC-normalised and their whitespace collapsed so that visually
 * equal prompts give equal ids.
 */
public final class ByteTokenizer {
    public static final int PAD = 0, EOS = 1, UNK = 2, OFFSET = 3;
    public static final int VOCAB = 256 + OFFSET;

    private final int maxLength;

    /** @param maxLength tokens per prompt including the end token; longer prompts are cut at a character boundary */
    public ByteTokenizer(int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be >= 2: " + maxLength);
        this.maxLength = maxLength;
    }

    public int maxLength() { return maxLength; }

    /** Normalised form of a prompt: NFC, trimmed, runs of whitespace collapsed to one space. */
    public static String normalise(String prompt) {
        return Normalizer.normalize(prompt, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ");
    }

    /** Token ids of a prompt: bytes + 3, then EOS; no padding. Length is at most {@link #maxLength()}. */
    public int[] encode(String prompt) {
        byte[] bytes = normalise(prompt).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, maxLength - 1);
        // never split a multi-byte character: back off while the first cut-off byte is a continuation byte
        while (n > 0 && n < bytes.length && (bytes[n] & 0xC0) == 0x80) n--;
        int[] ids = new int[n + 1];
        for (int i = 0; i < n; i++) ids[i] = (bytes[i] & 0xFF) + OFFSET;
        ids[n] = EOS;
        return ids;
    }

    /** Inverse of {@link #encode} up to the end token; pads and unknown ids are skipped. */
    public String decode(int[] ids) {
        byte[] out = new byte[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id == EOS) break;
            if (id >= OFFSET && id < VOCAB) out[n++] = (byte) (id - OFFSET);
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * A padded batch: ids [B, L] and key mask [B, L] (1 for real tokens including EOS, 0 for padding), with L the
     * longest prompt in the batch so short batches stay cheap.
     */
    public Batch batch(String... prompts) {
        int[][] enc = new int[prompts.length][];
        int len = 1;
        for (int i = 0; i < prompts.length; i++) {
            enc[i] = encode(prompts[i]);
            len = Math.max(len, enc[i].length);
        }
        int[] ids = new int[prompts.length * len];
        float[] mask = new float[prompts.length * len];
        for (int i = 0; i < prompts.length; i++)
            for (int j = 0; j < enc[i].length; j++) {
                ids[i * len + j] = enc[i][j];
                mask[i * len + j] = 1f;
            }
        return new Batch(prompts.length, len, ids, mask);
    }

    /** Row-major [batch, length] ids and mask. */
    public record Batch(int batch, int length, int[] ids, float[] mask) {}
}
