package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.sample.VelocityModel;
import dev.tessera.model.text.DirectionSwap;
import dev.tessera.model.text.TextContext;
import dev.tessera.model.text.TextEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direction probe on stand-in DiTs whose answer is known: one that reads the caption, one that ignores it. */
class DirectionProbeTest {
    static final int[] SHAPE = {1, 4, 2, 3, 3};
    static final String[] CAPTIONS = {"A red ball rolls from left to right.", "一个蓝色的方块从右向左滑动。", "The cone sits to the left of the cube."};

    static List<DirectionProbe.Item> items() {
        List<DirectionProbe.Item> out = new ArrayList<>();
        for (int i = 0; i < CAPTIONS.length; i++) {
            Tensor z = Tensor.randn(new Rng(10 + i), SHAPE);
            float[] cover = new float[SHAPE[2] * SHAPE[3] * SHAPE[4]];
            cover[i] = 1f;
            cover[i + 4] = 0.5f;
            out.add(new DirectionProbe.Item(z, cover, CAPTIONS[i]));
        }
        return out;
    }

    static boolean same(TextContext a, TextContext b) {
        return Arrays.equals(a.tokens().shape(), b.tokens().shape()) && Arrays.equals(a.tokens().data(), b.tokens().data());
    }

    @Test void aDitThatReadsTheCaptionWinsWithTheTrueOneOnly() {
        TextEncoder text = new TextEncoder(new TextConfig(16, 1, 2, 128), new Rng(1));
        List<DirectionProbe.Item> items = items();
        // stand-in DiT: x̂₀ = the item's latent for its own caption, the latent plus 0.5 for the mirrored one, 0 for others
        VelocityModel dit = (x, t, ctx) -> {
            float tt = t.data()[0];
            float[] xs = x.data(), v = new float[xs.length];
            for (DirectionProbe.Item it : items) {
                float shift = same(ctx, text.encode(it.caption())) ? 0f : same(ctx, text.encode(DirectionSwap.swap(it.caption()))) ? 0.5f : Float.NaN;
                if (Float.isNaN(shift)) continue;
                float[] z = it.latent().data();
                for (int k = 0; k < v.length; k++) v[k] = (xs[k] - (z[k] + shift)) / tt;
                return Tensor.of(v, x.shape());
            }
            for (int k = 0; k < v.length; k++) v[k] = xs[k] / tt; // x̂₀ = 0
            return Tensor.of(v, x.shape());
        };
        DirectionProbe.Result r = DirectionProbe.measure(dit, text, items, DirectionProbe.TIMES, 3);
        assertEquals(3, r.items());
        assertEquals(DirectionProbe.TIMES.length, r.rows().size());
        for (DirectionProbe.Row row : r.rows()) {
            assertEquals(0, row.trueCaption(), 1e-6, "the true caption's prediction is exact");
            assertEquals(0.25, row.mirrored(), 1e-4, "mirrored: off by 0.5 on every object cell");
            assertTrue(row.empty() > 0.1, "empty caption predicts zeros: " + row.empty());
            assertEquals(0.25, row.gap(), 1e-4);
            assertEquals(0, row.gapStdErr(), 1e-4);
            assertEquals(1.0, row.trueWins());
        }
    }

    @Test void aDitThatIgnoresTheCaptionShowsNoGapWithTheSameNoiseForAllThree() {
        TextEncoder text = new TextEncoder(new TextConfig(16, 1, 2, 128), new Rng(1));
        VelocityModel blind = (x, t, ctx) -> Tensor.zeros(x.shape()); // x̂₀ = x_t: the error is all noise
        DirectionProbe.Result r = DirectionProbe.measure(blind, text, items(), DirectionProbe.TIMES, 3);
        double last = 0;
        for (DirectionProbe.Row row : r.rows()) {
            assertEquals(row.trueCaption(), row.mirrored(), 0, "same noise, same error");
            assertEquals(row.trueCaption(), row.empty(), 0);
            assertEquals(0, row.gap(), 0);
            assertEquals(0, row.trueWins());
            assertTrue(row.trueCaption() > last, "more noise, larger error: " + row.trueCaption());
            last = row.trueCaption();
        }
        // deterministic by seed, and the seed matters
        var again = DirectionProbe.measure(blind, text, items(), DirectionProbe.TIMES, 3);
        var other = DirectionProbe.measure(blind, text, items(), DirectionProbe.TIMES, 4);
        assertArrayEquals(values(r), values(again));
        assertTrue(!Arrays.equals(values(r), values(other)));
    }

    static double[] values(DirectionProbe.Result r) {
        return r.rows().stream().mapToDouble(DirectionProbe.Row::trueCaption).toArray();
    }

    @Test void itemsMustNameADirectionAndShowAnObject() {
        Tensor z = Tensor.randn(new Rng(1), SHAPE);
        float[] cover = new float[18];
        cover[0] = 1f;
        var e = assertThrows(IllegalArgumentException.class, () -> new DirectionProbe.Item(z, cover, "A red ball rests."));
        assertTrue(e.getMessage().contains("no side or direction"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DirectionProbe.Item(z, new float[18], CAPTIONS[0]));
        assertThrows(IllegalArgumentException.class, () -> new DirectionProbe.Item(z, new float[5], CAPTIONS[0]));
    }
}
