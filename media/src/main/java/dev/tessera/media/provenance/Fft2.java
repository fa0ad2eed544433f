package dev.tessera.media.provenance;

/**
 * A small in-place 2D radix-2 complex FFT on n x n arrays (n a power of two), row-major {@code re[y * n + x]}.
 * Only the watermark detector uses it, for circular cross-correlation of a folded tile against the sync template
 * at every shift at once (n = 64: 4096 shifts for the price of three FFTs).
 */
final class Fft2 {
    private final int n, log;
    private final double[] cos, sin;
    private final int[] rev;

    Fft2(int n) {
        if (Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two: " + n);
        this.n = n;
        this.log = Integer.numberOfTrailingZeros(n);
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int i = 0; i < n / 2; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = Math.sin(2 * Math.PI * i / n);
        }
        rev = new int[n];
        for (int i = 0; i < n; i++) rev[i] = Integer.reverse(i) >>> (32 - log);
    }

    /** Forward (inverse = false) or inverse (unscaled; divide by n*n yourself) transform in place. */
    void transform(double[] re, double[] im, boolean inverse) {
        double[] rr = new double[n], ii = new double[n];
        for (int y = 0; y < n; y++) {
            System.arraycopy(re, y * n, rr, 0, n);
            System.arraycopy(im, y * n, ii, 0, n);
            fft1(rr, ii, inverse);
            System.arraycopy(rr, 0, re, y * n, n);
            System.arraycopy(ii, 0, im, y * n, n);
        }
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) { rr[y] = re[y * n + x]; ii[y] = im[y * n + x]; }
            fft1(rr, ii, inverse);
            for (int y = 0; y < n; y++) { re[y * n + x] = rr[y]; im[y * n + x] = ii[y]; }
        }
    }

    private void fft1(double[] re, double[] im, boolean inverse) {
        for (int i = 0; i < n; i++) {
            int j = rev[i];
            if (j > i) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        double sign = inverse ? 1 : -1;
        for (int size = 2; size <= n; size <<= 1) {
            int half = size >> 1, step = n / size;
            for (int start = 0; start < n; start += size)
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * step], wi = sign * sin[k * step];
                    int a = start + k, b = a + half;
                    double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                }
        }
    }
}
