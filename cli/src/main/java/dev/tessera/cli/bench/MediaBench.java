package dev.tessera.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.media.Frame;
import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.Video;
import dev.tessera.media.provenance.VisibleLabel;
import dev.tessera.media.provenance.Watermark;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./tessera bench media [--json]}: H.264 encode and decode frames/s at 128², 256², 512² (our in-process
 * H.264 encoder, openh264 or libx264 by FFmpeg build, and FFmpeg decoder), with Debian's ffmpeg CLI (libx264, one thread, raw frames on a pipe) as the
 * reference measured in the same run where it is installed; visible label, watermark embed and detect in ms per
 * second of 24 fps video. Medians of {@code --repeats} timed runs after one warm-up.
 */
@Command(name = "media", mixinStandardHelpOptions = true, description = "Benchmark MP4 encode/decode (128², 256², 512²) and watermark embed/detect.")
public final class MediaBench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "last line: one JSON object with every number")
    boolean json;

    @Option(names = "--frames", defaultValue = "96", description = "frames per clip (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--repeats", defaultValue = "3", description = "timed runs per measurement (default ${DEFAULT-VALUE})")
    int repeats;

    private static final double FPS = 24;

    @Override public Integer call() throws Exception {
        if (frames < 8 || frames > 2000) throw new IllegalArgumentException("--frames must be in [8, 2000]: " + frames);
        if (repeats < 1 || repeats > 50) throw new IllegalArgumentException("--repeats must be in [1, 50]: " + repeats);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("frames_per_clip", frames);
        result.put("repeats", repeats);
        result.put("encoder", Mp4Writer.encoder());
        boolean ffmpeg = hasFfmpeg();
        Path dir = Files.createTempDirectory("tessera-bench-media");
        try {
            for (int size : new int[] {128, 256, 512}) {
                Video v = synthetic(size, size, frames, 1);
                Path mp4 = dir.resolve("clip" + size + ".mp4");
                Mp4Writer.write(v, mp4); // warm-up (loads natives on the first size)
                double enc = median(repeats, () -> Mp4Writer.write(v, mp4));
                double dec = median(repeats, () -> Mp4Reader.read(mp4));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("encode_fps", round(frames / enc));
                m.put("decode_fps", round(frames / dec));
                m.put("mp4_bytes", Files.size(mp4));
                double psnr = psnr(v, Mp4Reader.read(mp4));
                m.put("psnr_db", round(psnr));
                String line = String.format("%4d²: encode %7.0f frames/s, decode %7.0f frames/s, %7d bytes, PSNR %.1f dB", size, frames / enc,
                        frames / dec, Files.size(mp4), psnr);
                if (ffmpeg) {
                    Path ref = dir.resolve("ref" + size + ".mp4");
                    byte[] raw = rawBgr0(v);
                    ffmpegEncode(raw, size, ref);
                    double refEnc = median(repeats, () -> ffmpegEncode(raw, size, ref));
                    m.put("ffmpeg_x264_encode_fps", round(frames / refEnc));
                    m.put("encode_ratio_vs_ffmpeg_x264", round(refEnc / enc));
                    double refPsnr = psnr(v, Mp4Reader.read(ref));
                    m.put("ffmpeg_x264_bytes", Files.size(ref));
                    m.put("ffmpeg_x264_psnr_db", round(refPsnr));
                    line += String.format("  | reference ffmpeg libx264 crf 23 (1 thread, subprocess) %5.0f frames/s, %7d bytes, %.1f dB: ours encodes %.2fx as fast",
                            frames / refEnc, Files.size(ref), refPsnr, refEnc / enc);
                }
                result.put("size_" + size, m);
                out.println(line);
                out.flush();
            }
            if (!ffmpeg) result.put("reference", "ffmpeg not installed: no reference encoder measured");

            Video v = synthetic(256, 256, (int) FPS * 2, 2);
            Watermark wm = new Watermark(Watermark.Key.TESSERA_DEFAULT);
            VisibleLabel label = VisibleLabel.forLanguage("en");
            double secs = v.seconds();
            double embed = median(repeats, () -> wm.embed(v, 0x0123456789abcdefL, Watermark.DEFAULT_ALPHA));
            Video marked = wm.embed(v, 0x0123456789abcdefL, Watermark.DEFAULT_ALPHA);
            double detect = median(repeats, () -> wm.detect(marked));
            double lab = median(repeats, () -> label.apply(v));
            Watermark.Detection d = wm.detect(marked);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("size", "256x256@24");
            w.put("embed_ms_per_video_second", round(embed * 1000 / secs));
            w.put("detect_ms_per_video_second", round(detect * 1000 / secs));
            w.put("label_ms_per_video_second", round(lab * 1000 / secs));
            w.put("detect_z_unattacked", round(d.z()));
            result.put("watermark", w);
            out.printf("watermark 256²@24: embed %.1f ms, detect %.1f ms, label %.1f ms per second of video (z = %.1f)%n",
                    embed * 1000 / secs, detect * 1000 / secs, lab * 1000 / secs, d.z());
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        if (json) out.println(new ObjectMapper().writeValueAsString(result));
        out.flush();
        return 0;
    }

    private static double median(int n, Stats.Task t) throws Exception { return Stats.seconds(n, false, t); }

    /** Mean PSNR (dB) over all frames and RGB channels. */
    static double psnr(Video a, Video b) {
        double se = 0;
        long n = 0;
        for (int i = 0; i < Math.min(a.frameCount(), b.frameCount()); i++) {
            se += VaeBench.sqErr(a.frames().get(i), b.frames().get(i));
            n += 3L * a.frames().get(i).rgb().length;
        }
        return VaeBench.psnr(se / n);
    }

    private static double round(double v) { return Math.round(v * 100) / 100.0; }

    /** Moving gradients, a bouncing disc and mild noise: like rendered world footage, and deterministic. */
    static Video synthetic(int w, int h, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Frame> list = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            int[] px = new int[w * h];
            double cx = w * (0.2 + 0.6 * Math.abs(Math.sin(t * 0.07))), cy = h * (0.3 + 0.4 * Math.abs(Math.cos(t * 0.05)));
            double r2 = (w / 8.0) * (w / 8.0);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int noise = rnd.nextInt(7) - 3;
                    int r = 60 + (x * 120 / w) + noise, g = 80 + (y * 100 / h) + noise, b = 140 + (int) (40 * Math.sin((x + t) * 0.05)) + noise;
                    double dx = x - cx, dy = y - cy;
                    if (dx * dx + dy * dy < r2) { r = 220; g = 40; b = 30; }
                    px[y * w + x] = (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
                }
            list.add(new Frame(w, h, px));
        }
        return new Video(w, h, FPS, list);
    }

    private static int clamp(int v) { return v < 0 ? 0 : Math.min(255, v); }

    private static boolean hasFfmpeg() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static byte[] rawBgr0(Video v) {
        ByteBuffer b = ByteBuffer.allocate(v.frameCount() * v.width() * v.height() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (Frame f : v.frames()) for (int p : f.rgb()) b.putInt(p);
        return b.array();
    }

    private static void ffmpegEncode(byte[] raw, int size, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr0",
                "-s", size + "x" + size, "-r", "24", "-i", "pipe:0", "-c:v", "libx264", "-threads", "1", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", out.toString()).redirectErrorStream(true).start();
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().readAllBytes();
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try (OutputStream in = p.getOutputStream()) {
            in.write(raw);
        }
        int rc = p.waitFor();
        drain.join();
        if (rc != 0) throw new IOException("reference ffmpeg encode failed (exit " + rc + ")");
    }
}
