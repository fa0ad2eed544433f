package dev.tessera.media.provenance;

import dev.tessera.media.Frame;
import dev.tessera.media.FrameSink;
import dev.tessera.media.Video;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Invisible watermark: a keyed spread-spectrum pattern added to luma, carrying a 64-bit payload (plus a 16-bit CRC).
 *
 * <p>Layout. A tile of 32 x 32 cells repeats over the whole frame; a cell is {@code min(width, height) / 64} pixels
 * wide but at least 4 (a real number, so the pattern keeps its size relative to the frame when the video is
 * rescaled; the floor keeps small clips' cells big enough for H.264); under 128 px on the short side the cell shrinks
 * (to 3 px at 96) so that one whole tile still fits. Each cell adds {@code +a} or {@code -a} whole grey levels to R,
 * G and B alike, so luma moves and chroma does not, the same in every frame. {@code a} is alpha (default 3) times a
 * size gain (up to 1.75 for frames under 256 x 256: fewer pixels carry less evidence) times a texture gain (1 in flat
 * areas, up to 2 in busy texture, where the eye misses it and the content would drown it). Of the 1024 cells, 304
 * carry a key-derived sync pattern and 720 carry the 80 payload+CRC bits, 9 cells each, at key-derived positions and
 * signs.
 *
 * <p>Why this survives the attacks. Low spatial frequency and averaging over frames keep it through H.264 at CRF 28;
 * a local-mean high-pass removes brightness offsets; the tile repeats, so a crop only shifts it cyclically (found by
 * correlating at every shift through an FFT); a rescale changes the cell size, which the detector searches around
 * {@code min(w, h) / 64} (crops up to ~15% a side keep it in range) and, for small clips, over 0.45..1.2 times
 * 3..4 px.
 *
 * <p>Detection. Average luma over up to 48 frames, subtract a local mean, divide by the residual's local rms (so the
 * visible label's glyph edges and object outlines do not outvote the flat areas), fold onto one tile at each
 * candidate cell size, correlate with the sync pattern at all 64 x 64 half-cell shifts and take the best z-score
 * ((peak - mean) / std over shifts). The mark is reported only if z >= {@link #Z_THRESHOLD} and the CRC of the
 * decoded payload matches (trying flips of up to two of the six least reliable bits), so a claimed detection comes
 * with exactly recovered bits (a wrong read passes with probability about 22 / 2^16). Limits (measured, see
 * docs/media.md): rotation, non-uniform stretch, crops over ~15% a side, the untrained model's noisy output halved
 * from 160 x 96 or 96 x 160 (80 x 48 px left), and downscaling combined with CRF 28 on small clips defeat it; the
 * gains cost PSNR at small sizes (about 31 dB on smooth 128 x 128 content, 27 dB on noise).
 */
public final class Watermark {
    public static final int TILE = 32, CELLS = TILE * TILE, PAYLOAD_BITS = 64, CRC_BITS = 16,
            CODED_BITS = PAYLOAD_BITS + CRC_BITS, REPEAT = 9, SYNC_CELLS = CELLS - CODED_BITS * REPEAT;
    /** Cells per min(width, height): the pattern's size relative to the frame. */
    public static final double CELLS_PER_SIDE = 64;
    /** Null z-scores (best over all shifts and scales) measured at mean 4.5, max 5.6 over 200 clips; marked ones 10+. */
    public static final double Z_THRESHOLD = 7.0;
    public static final double DEFAULT_ALPHA = 3.0;
    private static final int Q = 2, BINS = TILE * Q, MAX_FRAMES = 48, CHASE = 6;

    /** The watermark key. Anyone holding it can detect and forge the mark: deployments set their own. */
    public record Key(byte[] secret) {
        public static final Key TESSERA_DEFAULT = of("tessera-watermark-v1");

        public static Key of(String text) { return new Key(text.getBytes(StandardCharsets.UTF_8)); }
    }

    /**
     * What detection found. {@code payload} and {@code bits} are the decoded values (meaningful when
     * {@code detected}); {@code cellSize} is the cell size in pixels at which the mark was strongest;
     * {@code corrected} is how many weak bits the CRC-guided decoder flipped.
     */
    public record Detection(boolean detected, double z, boolean crcOk, long payload, boolean[] bits, double cellSize,
                            int corrected) {
        public String payloadHex() { return String.format("%016x", payload); }

        /** Number of payload bits that differ from {@code expected}. */
        public int bitErrors(long expected) { return Long.bitCount(payload ^ expected); }
    }

    private final int[] role = new int[CELLS]; // -1: sync, else coded bit index
    private final int[] sign = new int[CELLS];
    private final double[] templRe = new double[BINS * BINS], templIm = new double[BINS * BINS];
    private final Fft2 fft = new Fft2(BINS);

    public Watermark(Key key) {
        SplittableRandom rnd = new SplittableRandom(seedOf(key));
        int[] perm = new int[CELLS];
        for (int i = 0; i < CELLS; i++) perm[i] = i;
        for (int i = CELLS - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        for (int k = 0; k < CELLS; k++) role[perm[k]] = k < SYNC_CELLS ? -1 : (k - SYNC_CELLS) % CODED_BITS;
        for (int i = 0; i < CELLS; i++) sign[i] = rnd.nextBoolean() ? 1 : -1;
        for (int cy = 0; cy < TILE; cy++)
            for (int cx = 0; cx < TILE; cx++) {
                int c = cy * TILE + cx;
                if (role[c] != -1) continue;
                for (int v = 0; v < Q; v++)
                    for (int u = 0; u < Q; u++) templRe[(cy * Q + v) * BINS + cx * Q + u] = sign[c];
            }
        fft.transform(templRe, templIm, false);
    }

    private static long seedOf(Key key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.secret());
            long s = 0;
            for (int i = 0; i < 8; i++) s = (s << 8) | (h[i] & 255);
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cells are never smaller than this many pixels: below it H.264 at small sizes wipes the payload out. */
    public static final double MIN_CELL = 4;

    /**
     * Below 128 px on the short side the 4 px floor would make the 32-cell tile taller (or wider) than the frame, so a
     * quarter of the cells (and some payload bits almost entirely) would be missing at 160 x 96; there the cell
     * shrinks to fit one whole tile (3 px at 96), down to 3 px.
     */
    public static double cellSize(int width, int height) {
        int m = Math.min(width, height);
        return m >= TILE * MIN_CELL ? Math.max(MIN_CELL, m / CELLS_PER_SIDE) : Math.max(MIN_CELL_SMALL, m / (double) TILE);
    }

    public static final double MIN_CELL_SMALL = 3;

    /** Per-pixel luma offsets (in units of alpha: -1 or +1) for a frame size and payload. */
    public int[] pattern(int width, int height, long payload) {
        boolean[] coded = coded(payload);
        double cs = cellSize(width, height);
        int[] colOf = new int[width], rowOf = new int[height];
        for (int x = 0; x < width; x++) colOf[x] = (int) Math.floor(x / cs) % TILE;
        for (int y = 0; y < height; y++) rowOf[y] = (int) Math.floor(y / cs) % TILE;
        int[] p = new int[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                int c = rowOf[y] * TILE + colOf[x];
                int r = role[c];
                p[y * width + x] = r == -1 ? sign[c] : coded[r] ? sign[c] : -sign[c];
            }
        return p;
    }

    /**
     * Texture masking. Each pixel's offset is {@code alpha * min(MAX_GAIN, 1 + sd / TEXTURE_SD)} grey levels, where
     * {@code sd} is the luma standard deviation in the pixel's 5 x 5 neighbourhood (of this frame). Flat and smooth
     * areas get exactly alpha, as before; busy texture, where the eye cannot see a few grey levels and where the
     * content itself drowns a faint mark, gets up to MAX_GAIN times more. Why: at 128 x 128 the whole frame is one
     * 32 x 32-cell tile, so there is no spatial repetition to average over, and the untrained model's noisy output
     * (static high-frequency colour noise, residual sd ~19 grey levels) buried alpha = 3 (z 6.6, CRC failed).
     */
    public static final double MAX_GAIN = 2, TEXTURE_SD = 10;

    /** Adds the mark to one frame (returns a new frame), texture-masked (see {@link #MAX_GAIN}). */
    public Frame embed(Frame f, int[] pattern, double alpha) { return embed(f, pattern, alpha, true); }

    /**
     * Small frames carry proportionally stronger marks: detection evidence grows with the number of marked pixels, so
     * a frame with a quarter of 256 x 256's pixels needs twice the amplitude for the same z. Gain
     * sqrt(256^2 / (w h)), clamped to [1, MAX_SIZE_GAIN]: 1 at 256 x 256 and above, 2 at 128 x 128.
     */
    public static double sizeGain(int width, int height) {
        return Math.max(1, Math.min(MAX_SIZE_GAIN, Math.sqrt(256.0 * 256.0 / ((double) width * height))));
    }

    public static final double MAX_SIZE_GAIN = 1.75;

    /** {@code adaptive} false gives the old uniform mark (kept to measure the masking and size gain against it). */
    Frame embed(Frame f, int[] pattern, double alpha, boolean adaptive) {
        int[] src = f.rgb(), out = new int[src.length];
        if (Math.round(alpha) < 1) throw new IllegalArgumentException("watermark alpha rounds to 0: " + alpha);
        int w = f.width(), h = f.height();
        double maxGain = adaptive ? MAX_GAIN : 1, base = Math.round(alpha) * (adaptive ? sizeGain(w, h) : 1);
        double[] y = new double[src.length], y2 = new double[src.length];
        for (int i = 0; i < src.length; i++) {
            int q = src[i];
            y[i] = 0.299 * ((q >> 16) & 255) + 0.587 * ((q >> 8) & 255) + 0.114 * (q & 255);
            y2[i] = y[i] * y[i];
        }
        double[] m = boxBlur(y, w, h, 2), m2 = boxBlur(y2, w, h, 2);
        for (int i = 0; i < src.length; i++) {
            double sd = Math.sqrt(Math.max(0, m2[i] - m[i] * m[i]));
            // Pixels are whole grey levels: the offset acts rounded to an integer (alpha itself rounds to >= 1).
            int a = (int) Math.round(base * Math.min(maxGain, 1 + sd / TEXTURE_SD));
            int d = pattern[i] * a;
            int p = src[i];
            out[i] = (clamp(((p >> 16) & 255) + d) << 16) | (clamp(((p >> 8) & 255) + d) << 8) | clamp((p & 255) + d);
        }
        return new Frame(w, h, out);
    }

    public Video embed(Video v, long payload, double alpha) { return embed(v, payload, alpha, true); }

    Video embed(Video v, long payload, double alpha, boolean adaptive) {
        int[] pat = pattern(v.width(), v.height(), payload);
        List<Frame> frames = new ArrayList<>(v.frameCount());
        for (Frame f : v.frames()) frames.add(embed(f, pat, alpha, adaptive));
        return new Video(v.width(), v.height(), v.fps(), frames);
    }

    /** A sink that marks each frame and passes it on (for streaming encoders). */
    public FrameSink embedding(FrameSink downstream, int width, int height, long payload, double alpha) {
        int[] pat = pattern(width, height, payload);
        return new FrameSink() {
            @Override public void accept(Frame frame) { downstream.accept(embed(frame, pat, alpha)); }

            @Override public void close() { downstream.close(); }
        };
    }

    private static int clamp(int v) { return v < 0 ? 0 : Math.min(255, v); }

    static boolean[] coded(long payload) {
        boolean[] b = new boolean[CODED_BITS];
        for (int i = 0; i < PAYLOAD_BITS; i++) b[i] = ((payload >>> (63 - i)) & 1) != 0;
        int crc = crc16(payload);
        for (int i = 0; i < CRC_BITS; i++) b[PAYLOAD_BITS + i] = ((crc >>> (15 - i)) & 1) != 0;
        return b;
    }

    /** CRC-16/CCITT-FALSE over the payload's 8 big-endian bytes. */
    static int crc16(long payload) {
        int crc = 0xFFFF;
        for (int i = 7; i >= 0; i--) {
            crc ^= (int) ((payload >>> (8 * i)) & 255) << 8;
            for (int k = 0; k < 8; k++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return crc;
    }

    public Detection detect(Video v) { return detect(v.frames()); }

    /** Looks for the mark in frames (all of one size). */
    public Detection detect(List<Frame> frames) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames to look for a watermark in");
        int w = frames.getFirst().width(), h = frames.getFirst().height();
        // Candidate cell sizes: (a) the mark kept its size relative to the frame (rescaled, or cropped by up to ~17% a
        // side): 0.95..1.2 x min(w, h)/64; (b) the original was small enough to use the 4 px floor (or, under 128 px,
        // a 3..4 px cell) and was then rescaled by s in 0.45..1.2: cell 3s..4s, and since that original had min side
        // <= 256, its cell >= min(w, h)/64.
        double relative = Math.min(w, h) / CELLS_PER_SIDE;
        double lo = Math.max(MIN_CELL_SMALL * 0.45, relative * 0.95);
        double hi = lo <= MIN_CELL * 1.2 ? Math.max(relative * 1.2, MIN_CELL * 1.2) : relative * 1.2;
        List<double[]> ranges = List.of(new double[] {Math.min(lo, relative * 0.95), hi});
        double nominal = cellSize(w, h);
        double[] residual = residual(frames, w, h, nominal);
        // Coarse pass (fold off by <= 0.6 cell at the far edge), then a fine pass around the three best.
        int maxDim = Math.max(w, h);
        List<double[]> coarse = new ArrayList<>(); // {cs, z}
        for (double[] range : ranges)
            for (double cs = range[0]; cs <= range[1]; cs *= 1 + 0.6 * cs / maxDim) coarse.add(new double[] {cs, correlate(residual, w, h, cs).z});
        coarse.sort((x, y) -> Double.compare(y[1], x[1]));
        Peak best = null;
        for (int k = 0; k < Math.min(3, coarse.size()); k++) {
            double c0 = coarse.get(k)[0];
            for (int j = -4; j <= 4; j++) {
                Peak p = correlate(residual, w, h, c0 * (1 + j * 0.15 * c0 / maxDim));
                if (best == null || p.z > best.z) best = p;
            }
        }
        double bestZ = best.z, bestCs = best.cs;
        int bestShift = best.shift;
        double[] bestBins = best.bins;
        // corr[s] = sum_b T[b] * B[b + s]: template bin b sits on data bin b + s.
        int sy = bestShift / BINS, sx = bestShift % BINS;
        double[] soft = new double[CODED_BITS];
        for (int cy = 0; cy < TILE; cy++)
            for (int cx = 0; cx < TILE; cx++) {
                int c = cy * TILE + cx;
                if (role[c] == -1) continue;
                double v = 0;
                for (int dv = 0; dv < Q; dv++)
                    for (int du = 0; du < Q; du++)
                        v += bestBins[((cy * Q + dv + sy) % BINS) * BINS + (cx * Q + du + sx) % BINS];
                soft[role[c]] += sign[c] * v;
            }
        boolean[] bits = new boolean[CODED_BITS];
        for (int i = 0; i < CODED_BITS; i++) bits[i] = soft[i] > 0;
        // Chase decoding: if the CRC fails, flip up to two of the six least reliable bits. 22 tries raise the chance
        // that random bits pass the CRC from 2^-16 to ~3e-4, and that only matters when z already passed.
        Integer[] order = new Integer[CODED_BITS];
        for (int i = 0; i < CODED_BITS; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(soft[a]), Math.abs(soft[b])));
        int[][] flips = new int[1 + CHASE + CHASE * (CHASE - 1) / 2][];
        int t = 0;
        flips[t++] = new int[0];
        for (int i = 0; i < CHASE; i++) flips[t++] = new int[] {order[i]};
        for (int i = 0; i < CHASE; i++) for (int j = i + 1; j < CHASE; j++) flips[t++] = new int[] {order[i], order[j]};
        for (int[] f : flips) {
            boolean[] trial = bits.clone();
            for (int k : f) trial[k] = !trial[k];
            long payload = payloadOf(trial);
            if (crcOf(trial) == crc16(payload))
                return new Detection(bestZ >= Z_THRESHOLD, bestZ, true, payload, trial, bestCs, f.length);
        }
        return new Detection(false, bestZ, false, payloadOf(bits), bits, bestCs, 0);
    }

    private static long payloadOf(boolean[] bits) {
        long p = 0;
        for (int i = 0; i < PAYLOAD_BITS; i++) p = (p << 1) | (bits[i] ? 1 : 0);
        return p;
    }

    private static int crcOf(boolean[] bits) {
        int c = 0;
        for (int i = PAYLOAD_BITS; i < CODED_BITS; i++) c = (c << 1) | (bits[i] ? 1 : 0);
        return c;
    }

    private record Peak(double cs, double z, int shift, double[] bins) {}

    /** Folds at cell size {@code cs} and correlates with the sync template at every shift (one FFT round trip). */
    private Peak correlate(double[] residual, int w, int h, double cs) {
        double[] bins = fold(residual, w, h, cs);
        double[] re = bins.clone(), im = new double[bins.length];
        fft.transform(re, im, false);
        for (int i = 0; i < re.length; i++) { // multiply by conj(template)
            double a = re[i], b = im[i], c = templRe[i], d = -templIm[i];
            re[i] = a * c - b * d;
            im[i] = a * d + b * c;
        }
        fft.transform(re, im, true);
        double sum = 0, sum2 = 0, max = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int i = 0; i < re.length; i++) {
            double c = re[i];
            sum += c;
            sum2 += c * c;
            if (c > max) { max = c; arg = i; }
        }
        double mean = sum / re.length, sd = Math.sqrt(Math.max(1e-30, sum2 / re.length - mean * mean));
        return new Peak(cs, (max - mean) / sd, arg, bins);
    }

    /** Mean luma over (up to 48 evenly spaced) frames minus its local mean, clipped so edges do not dominate. */
    static double[] residual(List<Frame> frames, int w, int h, double cellSize) {
        double[] avg = new double[w * h];
        int n = Math.min(frames.size(), MAX_FRAMES);
        for (int k = 0; k < n; k++) {
            Frame f = frames.get((int) ((long) k * frames.size() / n));
            if (f.width() != w || f.height() != h) throw new IllegalArgumentException("frames differ in size");
            int[] p = f.rgb();
            for (int i = 0; i < p.length; i++) {
                int q = p[i];
                avg[i] += 0.299 * ((q >> 16) & 255) + 0.587 * ((q >> 8) & 255) + 0.114 * (q & 255);
            }
        }
        for (int i = 0; i < avg.length; i++) avg[i] /= n;
        int r = Math.max(1, (int) Math.round(cellSize));
        double[] blur = boxBlur(avg, w, h, r);
        double[] res = new double[w * h];
        // Local whitening: divide by the residual's local rms (over ~4 cells), so that strong static structure (the
        // visible label's glyph edges, object outlines) does not outvote the mark in flat areas, then clip outliers.
        // The floor (2 grey levels, below any mark's amplitude) keeps flat, unmarked areas from being blown up.
        double[] sq = new double[w * h];
        for (int i = 0; i < res.length; i++) { res[i] = avg[i] - blur[i]; sq[i] = res[i] * res[i]; }
        double[] energy = boxBlur(sq, w, h, 2 * r);
        for (int i = 0; i < res.length; i++) res[i] = Math.max(-3, Math.min(3, res[i] / Math.sqrt(energy[i] + 4)));
        return res;
    }

    static double[] boxBlur(double[] a, int w, int h, int r) {
        double[] integ = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            for (int x = 0; x < w; x++) {
                row += a[y * w + x];
                integ[(y + 1) * (w + 1) + x + 1] = integ[y * (w + 1) + x + 1] + row;
            }
        }
        double[] out = new double[w * h];
        for (int y = 0; y < h; y++) {
            int y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
            for (int x = 0; x < w; x++) {
                int x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1);
                double s = integ[y1 * (w + 1) + x1] - integ[y0 * (w + 1) + x1] - integ[y1 * (w + 1) + x0] + integ[y0 * (w + 1) + x0];
                out[y * w + x] = s / ((y1 - y0) * (x1 - x0));
            }
        }
        return out;
    }

    /** Folds the residual onto one tile of 64 x 64 half-cell bins for cell size {@code cs}; bins are zero-mean. */
    static double[] fold(double[] res, int w, int h, double cs) {
        double[] sum = new double[BINS * BINS];
        int[] cnt = new int[BINS * BINS];
        int[] bx = new int[w];
        double k = Q / cs;
        for (int x = 0; x < w; x++) bx[x] = (int) Math.floor(x * k) % BINS;
        for (int y = 0; y < h; y++) {
            int row = ((int) Math.floor(y * k) % BINS) * BINS;
            for (int x = 0; x < w; x++) {
                sum[row + bx[x]] += res[y * w + x];
                cnt[row + bx[x]]++;
            }
        }
        double total = 0;
        int filled = 0;
        for (int i = 0; i < sum.length; i++)
            if (cnt[i] > 0) { sum[i] /= cnt[i]; total += sum[i]; filled++; }
        double mean = filled == 0 ? 0 : total / filled;
        for (int i = 0; i < sum.length; i++) sum[i] = cnt[i] > 0 ? sum[i] - mean : 0;
        return sum;
    }
}
