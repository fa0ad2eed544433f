package dev.tessera.eval;

import dev.tessera.eval.Report.DimScore;
import dev.tessera.eval.Report.PromptResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** report.html: the dimension table (all, seen, held-out), then per prompt its key frames with tracks and its checks. */
public final class HtmlReport {
    private HtmlReport() {}

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String cell(Double v) { return v == null ? "<td>–</td>" : String.format("<td style=\"background:%s\">%.3f</td>", shade(v), v); }

    static String shade(double v) {
        double c = Math.max(0, Math.min(1, v));
        int r = (int) (255 - 120 * c), g = (int) (170 + 85 * c), b = (int) (170 + 20 * c);
        return String.format("#%02x%02x%02x", Math.min(255, r + 0), Math.min(255, g), Math.min(255, b));
    }

    public static String html(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>SimBench report</title><style>")
          .append("body{font:14px sans-serif;margin:20px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px}")
          .append("img{image-rendering:pixelated;margin-right:4px;border:1px solid #888}.err{color:#b00}details{margin:6px 0}")
          .append("</style></head><body><h1>SimBench</h1>");
        sb.append(String.format("<p>Overall <b>%.3f</b> over %d prompts.</p>", r.overall, r.prompts.size()));
        boolean nulls = !r.nulls.isEmpty();
        Map<Dimension, Double> floor = r.nullFloor();
        if (nulls) sb.append(String.format("<p>Above chance (prompt-blind noise videos scored in the same run: %s): <b>%.3f</b> "
                + "(0 = no better than noise, 1 = the world's renders; each dimension clamped to [0, 1]).</p>",
                esc(String.join(", ", r.nulls.keySet())), r.overallAboveNull()));
        sb.append("<table><tr><th>dimension</th><th>score</th><th>normalised</th><th>n</th>");
        if (nulls) sb.append("<th>chance (null)</th><th>above chance</th>");
        for (String s : r.splits.keySet()) sb.append("<th>").append(esc(s)).append("</th><th>n</th>");
        sb.append("</tr>");
        for (Map.Entry<Dimension, DimScore> e : r.dimensions.entrySet()) {
            DimScore d = e.getValue();
            sb.append("<tr><td>").append(e.getKey().id()).append("</td>").append(cell(d.score())).append(cell(d.normalized()))
              .append("<td>").append(d.n()).append("</td>");
            if (nulls) sb.append(cell(floor.get(e.getKey()))).append(cell(r.aboveNull(e.getKey())));
            for (Map<Dimension, DimScore> sp : r.splits.values()) {
                DimScore x = sp.get(e.getKey());
                sb.append(cell(x == null ? null : x.score())).append("<td>").append(x == null ? 0 : x.n()).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table><h2>Prompts</h2>");
        for (PromptResult p : r.prompts) {
            sb.append("<details><summary>line ").append(p.line()).append(" [").append(p.lang()).append(p.split() == null ? "" : ", " + p.split())
              .append("] ").append(esc(p.prompt()));
            if (p.error() != null) { sb.append(" <span class=err>").append(esc(p.error())).append("</span></summary></details>"); continue; }
            sb.append("</summary><div>");
            for (String k : p.keyframes()) sb.append("<img src=\"").append(k).append("\">");
            sb.append("</div><table><tr><th>dimension</th><th>check</th><th>score</th><th>evidence</th></tr>");
            for (Check c : p.checks()) {
                String ev;
                try { ev = Report.JSON.writeValueAsString(c.evidence()); } catch (IOException e) { ev = "?"; }
                if (ev.length() > 600) ev = ev.substring(0, 600) + "…";
                sb.append("<tr><td>").append(c.dimension().id()).append("</td><td>").append(esc(c.name())).append("</td>")
                  .append(cell(c.score())).append("<td><code>").append(esc(ev)).append("</code></td></tr>");
            }
            sb.append("</table></details>");
        }
        return sb.append("</body></html>").toString();
    }

    public static void write(Report r, Path file) throws IOException {
        Report.atomicWrite(file, html(r).getBytes(StandardCharsets.UTF_8));
    }
}
