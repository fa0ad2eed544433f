package dev.tessera.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-dimension ceiling (mean score on the world's own renders of the calibration prompts) and floor (mean score on
 * mismatched prompt/video pairs: what a video that ignores the prompt gets), measured by {@code CalibrationTest} and
 * shipped as {@code simbench/calibration.json}. Dimensions a mismatched video cannot attack (consistency, motion
 * amount, language agreement) use the matching attack (flickering noise, a still frame, swapped languages) or 0.
 */
public final class Calibration {
    public final Map<Dimension, double[]> bounds = new EnumMap<>(Dimension.class); // {floor, ceiling}

    public Double normalize(Dimension d, double score) {
        double[] b = bounds.get(d);
        if (b == null || b[1] - b[0] < 1e-6) return null;
        return (score - b[0]) / (b[1] - b[0]);
    }

    /** The shipped calibration, or an empty one (normalised scores reported as null) if the resource is missing. */
    public static Calibration load() {
        Calibration c = new Calibration();
        try (InputStream in = Calibration.class.getResourceAsStream("/simbench/calibration.json")) {
            if (in == null) return c;
            JsonNode root = new ObjectMapper().readTree(in).get("dimensions");
            for (Dimension d : Dimension.values()) {
                JsonNode n = root.get(d.id());
                if (n != null) c.bounds.put(d, new double[] {n.get("floor").asDouble(), n.get("ceiling").asDouble()});
            }
        } catch (IOException e) {
            throw new IllegalStateException("simbench/calibration.json is unreadable: " + e.getMessage(), e);
        }
        return c;
    }
}
