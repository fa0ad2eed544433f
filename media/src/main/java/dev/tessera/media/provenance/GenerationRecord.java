package dev.tessera.media.provenance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What made a video: the prompt, the seed, the model id, and free-form settings (steps, guidance, ...). Recorded in
 * the C2PA manifest as the {@code dev.tessera.generation} assertion; its {@link #watermarkId()} is the 64-bit payload
 * of the invisible watermark, so a copy that lost its manifest still points back to this record.
 */
public record GenerationRecord(String prompt, long seed, String modelId, Map<String, Object> settings) {
    public static final String ASSERTION_LABEL = "dev.tessera.generation";

    public GenerationRecord {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(modelId, "modelId");
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        for (Object v : settings.values())
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean))
                throw new IllegalArgumentException("settings values must be strings, numbers or booleans");
    }

    public GenerationRecord(String prompt, long seed, String modelId) { this(prompt, seed, modelId, Map.of()); }

    /** First 8 bytes of SHA-256 over prompt, seed and model id: the watermark payload. */
    public long watermarkId() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(prompt.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Long.toString(seed).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(modelId.getBytes(StandardCharsets.UTF_8));
            byte[] h = md.digest();
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 255);
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The assertion body (CBOR map), settings in sorted key order so the bytes are deterministic. */
    Map<String, Object> toAssertion() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", prompt);
        m.put("seed", seed);
        m.put("model", modelId);
        m.put("watermark", String.format("%016x", watermarkId()));
        if (!settings.isEmpty()) {
            Map<String, Object> s = new LinkedHashMap<>();
            settings.keySet().stream().sorted().forEach(k -> {
                Object v = settings.get(k);
                s.put(k, v instanceof Float || v instanceof Double ? (Object) ((Number) v).doubleValue()
                        : v instanceof Number n ? (Object) n.longValue() : v);
            });
            m.put("settings", s);
        }
        return m;
    }
}
