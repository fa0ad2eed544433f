package dev.tessera.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One judged statement about one video: which dimension, what was checked ("red ball left_of blue cube"), a score in
 * [0, 1] and the evidence it was judged on (per-frame tracks, fitted values, thresholds), all from pixels.
 */
public record Check(Dimension dimension, String name, double score, Map<String, Object> evidence) {
    public Check {
        if (!(score >= 0 && score <= 1)) throw new IllegalArgumentException("score out of [0,1]: " + score + " for " + name);
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    static double clamp01(double v) { return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v)); }

    /** Evidence builder: key/value pairs in order. */
    static Map<String, Object> ev(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
