package dev.tessera.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.cli.ExitCodeException;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.VideoTensors;
import dev.tessera.world.Dataset;
import dev.tessera.world.HeldOut;
import dev.tessera.world.Sample;
import dev.tessera.world.Split;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tessera bench vae [--model DIR] [--clips N] [--json]}: how well a model's VAE reconstructs world clips it
 * never saw (the world's TEST split; training reads TRAIN): PSNR of decode(encode(x)) (posterior mean) in 8-bit RGB,
 * per native size, for images and 4 s clips at the model's frame rate. The in-run reference is what the same spatial
 * compression gives with no learning: each frame box-averaged over 8×8 pixels and scaled back up bilinearly.
 */
@Command(name = "vae", mixinStandardHelpOptions = true, description = "VAE reconstruction PSNR on held-out world clips (TEST split), with a no-learning 8x down/up reference.")
public final class VaeBench implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default models/default)") Path model;
    @Option(names = "--clips", defaultValue = "8", description = "TEST-split clips per size and duration (default 8)") int clips;
    @Option(names = "--seconds", defaultValue = "4", description = "clip duration (default 4)") double seconds;
    @Option(names = "--json", description = "end with one JSON line") boolean json;
    @Option(names = "--latent-noise", paramLabel = "S[,S...]", split = ",", description = "also decode each clip's latent "
            + "plus Gaussian noise of these standard deviations (in the DiT's normalised latent units, seeded per clip): "
            + "how the decoder treats imperfect latents like a DiT's (default: none)") List<Double> latentNoise;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = BenchModel.dir(model);
        if (clips < 1 || clips > 1000) throw new ExitCodeException(2, "--clips must be 1..1000, got " + clips);
        List<Double> sigmas = latentNoise == null ? List.of() : latentNoise;
        for (double sg : sigmas)
            if (!(sg > 0 && sg <= 10)) throw new ExitCodeException(2, "--latent-noise values must be in (0, 10], got " + sg);
        TesseraModel m = BenchModel.load(dir);
        var caps = m.config.capabilities();
        // the VAE is convolutional: any length (the model's trained durations bound its DiT), so a vae run's folder will do
        if (!(seconds > 0 && seconds <= 60)) throw new ExitCodeException(2, "--seconds must be in (0, 60], got " + seconds);
        double fps = caps.fps().get(0);
        int longFrames = 1 + 4 * (int) Math.round(seconds * fps / 4);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", dir.toString());
        result.put("split", "TEST");
        result.put("clips", clips);
        out.printf(Locale.ROOT, "VAE reconstruction on %d TEST-split world clips per row (%s), %.0f fps%n", clips, dir, fps);
        List<Double> all = new ArrayList<>();
        for (var size : caps.sizes()) {
            for (int frames : new int[] {1, longFrames}) {
                Dataset d = new Dataset(new Dataset.Config(size.width(), size.height(), fps, frames, 2, HeldOut.DEFAULTS));
                double se = 0, seRef = 0, time = 0;
                double[] seNoisy = new double[sigmas.size()];
                long n = 0;
                for (int i = 0; i < clips; i++) {
                    Sample s = d.sample(i, Split.TEST);
                    List<Frame> x = s.clip().frames();
                    long t0 = System.nanoTime();
                    Video rec;
                    List<Video> noisy = new ArrayList<>();
                    try (var g = Grad.off()) {
                        Tensor z = m.vae.encode(VideoTensors.toTensor(x, size.width(), size.height())).mean();
                        rec = VideoTensors.toVideo(m.vae.decode(z), 0, frames, fps);
                        time += (System.nanoTime() - t0) / 1e9;
                        Rng rng = new Rng(1000L * i + frames);
                        for (double sg : sigmas) {
                            Tensor zn = m.normaliseLatent(z).add(Tensor.randn(rng, z.shape()).mul((float) sg));
                            noisy.add(VideoTensors.toVideo(m.vae.decode(m.denormaliseLatent(zn)), 0, frames, fps));
                        }
                    }
                    for (int f = 0; f < frames; f++) {
                        se += sqErr(x.get(f), rec.frames().get(f));
                        seRef += sqErr(x.get(f), downUp(x.get(f), 8));
                        for (int k = 0; k < sigmas.size(); k++) seNoisy[k] += sqErr(x.get(f), noisy.get(k).frames().get(f));
                    }
                    n += 3L * frames * size.width() * size.height();
                }
                double psnr = psnr(se / n), ref = psnr(seRef / n);
                all.add(psnr);
                String key = size.width() + "x" + size.height() + (frames == 1 ? "_image" : "_" + frames + "f");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("psnr_db", round(psnr));
                row.put("reference_8x_downup_psnr_db", round(ref));
                row.put("encode_decode_s_per_clip", round(time / clips));
                StringBuilder noisyText = new StringBuilder();
                if (!sigmas.isEmpty()) {
                    Map<String, Object> byNoise = new LinkedHashMap<>();
                    for (int k = 0; k < sigmas.size(); k++) {
                        double pk = psnr(seNoisy[k] / n);
                        byNoise.put(String.valueOf(sigmas.get(k)), round(pk));
                        noisyText.append(String.format(Locale.ROOT, "   σ=%s: %5.2f dB", sigmas.get(k), pk));
                    }
                    row.put("psnr_db_latent_noise", byNoise);
                }
                result.put(key, row);
                out.printf(Locale.ROOT, "%-16s PSNR %5.2f dB   (8x box-down/bilinear-up reference %5.2f dB)   encode+decode %.2f s/clip%s%n",
                        key, psnr, ref, time / clips, noisyText);
                out.flush();
            }
        }
        double mean = all.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        result.put("mean_psnr_db", round(mean));
        out.printf(Locale.ROOT, "mean PSNR over rows: %.2f dB%n", mean);
        if (json) out.println(new ObjectMapper().writeValueAsString(result));
        out.flush();
        return 0;
    }

    static double sqErr(Frame a, Frame b) {
        int[] p = a.rgb(), q = b.rgb();
        double se = 0;
        for (int k = 0; k < p.length; k++)
            for (int s = 0; s < 24; s += 8) {
                int d = ((p[k] >> s) & 255) - ((q[k] >> s) & 255);
                se += d * d;
            }
        return se;
    }

    /** The frame averaged over f×f boxes (edge boxes clipped) and scaled back up bilinearly (box centres as samples). */
    static Frame downUp(Frame fr, int f) {
        int w = fr.width(), h = fr.height(), gw = (w + f - 1) / f, gh = (h + f - 1) / f;
        double[][] g = new double[3][gw * gh];
        int[] rgb = fr.rgb();
        for (int by = 0; by < gh; by++)
            for (int bx = 0; bx < gw; bx++) {
                double[] s = new double[3];
                int n = 0;
                for (int y = by * f; y < Math.min(h, by * f + f); y++)
                    for (int x = bx * f; x < Math.min(w, bx * f + f); x++, n++)
                        for (int c = 0; c < 3; c++) s[c] += (rgb[y * w + x] >> (16 - 8 * c)) & 255;
                for (int c = 0; c < 3; c++) g[c][by * gw + bx] = s[c] / n;
            }
        int[] outRgb = new int[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double gy = Math.max(0, Math.min(gh - 1, (y + 0.5) / f - 0.5)), gx = Math.max(0, Math.min(gw - 1, (x + 0.5) / f - 0.5));
                int y0 = (int) gy, x0 = (int) gx, y1 = Math.min(gh - 1, y0 + 1), x1 = Math.min(gw - 1, x0 + 1);
                double fy = gy - y0, fx = gx - x0;
                int px = 0;
                for (int c = 0; c < 3; c++) {
                    double v = (1 - fy) * ((1 - fx) * g[c][y0 * gw + x0] + fx * g[c][y0 * gw + x1])
                            + fy * ((1 - fx) * g[c][y1 * gw + x0] + fx * g[c][y1 * gw + x1]);
                    px |= Math.max(0, Math.min(255, (int) Math.round(v))) << (16 - 8 * c);
                }
                outRgb[y * w + x] = px;
            }
        return new Frame(w, h, outRgb);
    }

    static double psnr(double mse) { return 10 * Math.log10(255.0 * 255.0 / Math.max(1e-9, mse)); }

    private static double round(double v) { return Math.round(v * 100) / 100.0; }
}
