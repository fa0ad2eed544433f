package dev.tessera.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two SimBench reports of the same prompts compared video by video (B minus A): per dimension the mean paired
 * difference and its standard error, per video the difference of the mean of its dimension scores, how many videos
 * got better or worse by more than {@link #MARGIN}, and how many judged the very same frames (equal
 * {@code frames_sha256}). Paired differences cancel what the two runs share (the prompt, the seed's noise), so they
 * see smaller changes than the two overall scores do. Entries are matched by line and, for pooled reports, by their
 * order within the line (seed order); a line judged in only one report, or failed in either, is left out and counted.
 */
public final class Comparison {
    /** A mean paired difference, its standard error (NaN below two pairs) and the number of pairs. */
    public record Paired(double mean, double se, int n) {}

    /** A per-video change larger than this counts as better or worse. */
    public static final double MARGIN = 0.05;

    public final Map<String, Paired> dimensions = new LinkedHashMap<>();
    public final Paired perVideo;
    public final int better, worse, sameFrames, differentFrames, unhashed, skipped;
    public final double overallA, overallB;
    public final Double aboveNullA, aboveNullB;

    private Comparison(Map<String, List<Double>> dimDiffs, List<Double> videoDiffs, int better, int worse, int same, int different,
                       int unhashed, int skipped, JsonNode a, JsonNode b) {
        dimDiffs.forEach((d, v) -> dimensions.put(d, paired(v)));
        this.perVideo = paired(videoDiffs);
        this.better = better;
        this.worse = worse;
        this.sameFrames = same;
        this.differentFrames = different;
        this.unhashed = unhashed;
        this.skipped = skipped;
        this.overallA = a.path("overall").asDouble(Double.NaN);
        this.overallB = b.path("overall").asDouble(Double.NaN);
        this.aboveNullA = a.hasNonNull("overall_above_null") ? a.get("overall_above_null").asDouble() : null;
        this.aboveNullB = b.hasNonNull("overall_above_null") ? b.get("overall_above_null").asDouble() : null;
    }

    /** Compares report A with report B (both as read from report.json); throws with one line if they do not pair up. */
    public static Comparison of(JsonNode a, JsonNode b) {
        Map<String, JsonNode> ea = entries(a, "A"), eb = entries(b, "B");
        Map<String, List<Double>> dimDiffs = new LinkedHashMap<>();
        for (Dimension d : Dimension.values()) dimDiffs.put(d.id(), new ArrayList<>());
        List<Double> videoDiffs = new ArrayList<>();
        int better = 0, worse = 0, same = 0, different = 0, unhashed = 0, skipped = 0, paired = 0;
        for (Map.Entry<String, JsonNode> e : ea.entrySet()) {
            JsonNode x = e.getValue(), y = eb.get(e.getKey());
            if (y == null) { skipped++; continue; }
            if (!x.path("prompt").asText().equals(y.path("prompt").asText()))
                throw new IllegalArgumentException("the reports judge different prompts on line " + x.path("line").asInt()
                        + ": \"" + x.path("prompt").asText() + "\" vs \"" + y.path("prompt").asText() + "\"");
            if (x.has("error") || y.has("error") || !x.has("scores") || !y.has("scores")) { skipped++; continue; }
            paired++;
            String ha = x.path("frames_sha256").asText(null), hb = y.path("frames_sha256").asText(null);
            if (ha == null || hb == null) unhashed++; else if (ha.equals(hb)) same++; else different++;
            double sum = 0;
            int n = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = x.get("scores").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> s = it.next();
                JsonNode other = y.get("scores").get(s.getKey());
                if (other == null) continue;
                double diff = other.asDouble() - s.getValue().asDouble();
                dimDiffs.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(diff);
                sum += diff;
                n++;
            }
            if (n == 0) continue;
            double v = sum / n;
            videoDiffs.add(v);
            if (v > MARGIN) better++;
            else if (v < -MARGIN) worse++;
        }
        for (String k : eb.keySet()) if (!ea.containsKey(k)) skipped++;
        if (paired == 0) throw new IllegalArgumentException("the reports share no judged video (no line judged in both)");
        dimDiffs.values().removeIf(List::isEmpty);
        return new Comparison(dimDiffs, videoDiffs, better, worse, same, different, unhashed, skipped, a, b);
    }

    /** Entries keyed "line#k" (k-th entry of that line, in report order). */
    static Map<String, JsonNode> entries(JsonNode report, String name) {
        JsonNode ps = report.get("prompts");
        if (ps == null || !ps.isArray()) throw new IllegalArgumentException("report " + name + " has no \"prompts\" list (not a SimBench report.json)");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Map<Integer, Integer> seen = new HashMap<>();
        for (JsonNode p : ps) {
            if (!p.has("line")) throw new IllegalArgumentException("report " + name + " has an entry without \"line\"");
            int line = p.get("line").asInt(), k = seen.merge(line, 1, Integer::sum);
            out.put(line + "#" + k, p);
        }
        return out;
    }

    static Paired paired(List<Double> v) {
        int n = v.size();
        double mean = 0, sq = 0;
        for (double x : v) mean += x;
        mean /= Math.max(1, n);
        for (double x : v) sq += (x - mean) * (x - mean);
        return new Paired(mean, n < 2 ? Double.NaN : Math.sqrt(sq / (n - 1) / n), n);
    }

    public ObjectNode toJson() {
        ObjectNode o = Report.JSON.createObjectNode();
        o.put("overall_a", Report.r4(overallA));
        o.put("overall_b", Report.r4(overallB));
        if (aboveNullA != null && aboveNullB != null) {
            o.put("overall_above_null_a", Report.r4(aboveNullA));
            o.put("overall_above_null_b", Report.r4(aboveNullB));
        }
        put(o.putObject("per_video"), perVideo);
        o.put("better", better);
        o.put("worse", worse);
        ObjectNode f = o.putObject("frames");
        f.put("same", sameFrames);
        f.put("different", differentFrames);
        f.put("unhashed", unhashed);
        o.put("skipped", skipped);
        ObjectNode d = o.putObject("dimensions");
        dimensions.forEach((k, p) -> put(d.putObject(k), p));
        return o;
    }

    private static void put(ObjectNode o, Paired p) {
        o.put("mean", Report.r4(p.mean()));
        if (Double.isNaN(p.se())) o.putNull("se"); else o.put("se", Report.r4(p.se()));
        o.put("n", p.n());
    }

    /** The comparison as a few lines a person reads. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "overall A %.4f, B %.4f", overallA, overallB));
        if (aboveNullA != null && aboveNullB != null)
            sb.append(String.format(Locale.ROOT, "; above chance A %.4f, B %.4f", aboveNullA, aboveNullB));
        sb.append(String.format(Locale.ROOT, "%nper video (B - A, mean of its dimensions): %s over %d videos; %d better, %d worse by > %.2f%n",
                pm(perVideo), perVideo.n(), better, worse, MARGIN));
        sb.append(String.format(Locale.ROOT, "frames: %d the same, %d different, %d without a hash; %d entries not paired%n",
                sameFrames, differentFrames, unhashed, skipped));
        dimensions.forEach((k, p) -> sb.append(String.format(Locale.ROOT, "  %-20s %s  (n %d)%n", k, pm(p), p.n())));
        return sb.toString();
    }

    static String pm(Paired p) {
        return Double.isNaN(p.se()) ? String.format(Locale.ROOT, "%+.3f", p.mean()) : String.format(Locale.ROOT, "%+.3f ± %.3f", p.mean(), p.se());
    }
}
