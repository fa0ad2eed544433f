package dev.tessera.model.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The bucket table for variable-size training and a seeded way to choose among them. Each bucket has a weight; the
 * default weights make every (aspect, duration) pair draw about the same number of <em>tokens</em>, so long clips are
 * picked less often but still seen, and images (cheap) are picked often — as Open-Sora and Sora mix them.
 */
public record Buckets(List<Bucket> buckets, double[] weights) {
    public Buckets {
        buckets = List.copyOf(buckets);
        weights = weights.clone();
        if (buckets.isEmpty() || buckets.size() != weights.length)
            throw new IllegalArgumentException("need one weight per bucket");
        for (double w : weights) if (!(w >= 0)) throw new IllegalArgumentException("bucket weights must be >= 0");
    }

    /**
     * 1:1 (128×128), 16:9 (160×96), 9:16 (96×160) × {image, 9, 17, 33, 65 frames} (at 8 fps: still, 1, 2, 4, 8 s),
     * weights ∝ 1/tokens.
     */
    public static Buckets standard() {
        return of(new int[][] {{128, 128}, {160, 96}, {96, 160}}, new int[] {1, 9, 17, 33, 65});
    }

    /** Every (width, height) × frames combination, weighted ∝ 1/tokens. */
    public static Buckets of(int[][] sizes, int[] frames) {
        List<Bucket> list = new ArrayList<>();
        for (int[] wh : sizes) for (int f : frames) list.add(new Bucket(f, wh[1], wh[0]));
        double[] w = new double[list.size()];
        for (int i = 0; i < w.length; i++) w[i] = 1.0 / list.get(i).tokens();
        return new Buckets(list, w);
    }

    /** The bucket for a uniform draw {@code u} in [0, 1) (pass the value from a seeded RNG: same u, same bucket). */
    public Bucket pick(double u) {
        if (!(u >= 0 && u < 1)) throw new IllegalArgumentException("u must be in [0,1): " + u);
        double total = 0;
        for (double w : weights) total += w;
        double acc = 0, target = u * total;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (target < acc) return buckets.get(i);
        }
        return buckets.getLast();
    }

    /**
     * The bucket a clip of this size fits best: the same aspect ratio (closest), then the longest bucket that is not
     * longer than the clip (clips are cut, never padded). Null when the clip is shorter than every bucket of its shape.
     */
    public Bucket fit(int frames, int height, int width) {
        double aspect = width / (double) height;
        Bucket best = null;
        double bestAspect = Double.MAX_VALUE;
        for (Bucket b : buckets) {
            if (b.frames() > frames) continue;
            double d = Math.abs(Math.log(b.width() / (double) b.height()) - Math.log(aspect));
            if (best == null || d < bestAspect - 1e-9 || (Math.abs(d - bestAspect) < 1e-9 && b.frames() > best.frames())) {
                best = b;
                bestAspect = d;
            }
        }
        return best;
    }
}
