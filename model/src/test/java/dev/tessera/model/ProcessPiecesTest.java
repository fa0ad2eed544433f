package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.model.data.Bucket;
import dev.tessera.model.data.Buckets;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.flow.Schedule;
import dev.tessera.model.flow.TimeShift;
import dev.tessera.model.text.ByteTokenizer;
import org.junit.jupiter.api.Test;

/** The engine-free pieces: tokenizer, flow-matching process maths, schedules, request checks, buckets. */
class ProcessPiecesTest {
    @Test void tokenizerRoundTripsEnglishAndChinese() {
        ByteTokenizer tok = new ByteTokenizer(64);
        int[] en = tok.encode("  a red   ball ");
        assertEquals("a red ball", tok.decode(en));
        assertEquals(ByteTokenizer.EOS, en[en.length - 1]);
        assertEquals('a' + 3, en[0]);
        int[] zh = tok.encode("红色的球从左向右弹跳");
        assertEquals(10 * 3 + 1, zh.length);  // three UTF-8 bytes per character, plus EOS
        assertEquals("红色的球从左向右弹跳", tok.decode(zh));
    }

    @Test void tokenizerNeverSplitsACharacter() {
        ByteTokenizer tok = new ByteTokenizer(6);  // room for 5 bytes: one whole character (3) fits, two do not
        int[] ids = tok.encode("红色");
        assertEquals(4, ids.length);
        assertEquals("红", tok.decode(ids));
        ByteTokenizer.Batch b = tok.batch("ab", "红色");
        assertEquals(4, b.length());
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1, 1, 1}, b.mask());
    }

    @Test void shiftGrowsWithTokensAndKeepsEnds() {
        TimeShift s = TimeShift.FLUX;
        assertEquals(0.0, s.apply(0.0, 1000), 1e-12);
        assertEquals(1.0, s.apply(1.0, 1000), 1e-12);
        assertTrue(s.apply(0.5, 2000) > s.apply(0.5, 500));
        assertEquals(Math.exp(0.5), s.factor(256), 1e-12);
        assertEquals(Math.exp(1.15), s.factor(4096), 1e-12);
        double[] t = Schedule.times(10, 576, s);
        assertEquals(11, t.length);
        for (int i = 1; i < t.length; i++) assertTrue(t[i] < t[i - 1]);
    }

    @Test void flowPathHitsDataAndNoise() {
        float[] x0 = {1, 2, 3, 4}, eps = {-1, 0, 1, 0.5f};
        assertArrayEquals(x0, FlowMatching.interpolate(x0, eps, new float[] {0f, 0f}));
        assertArrayEquals(eps, FlowMatching.interpolate(x0, eps, new float[] {1f, 1f}));
        float[] half = FlowMatching.interpolate(x0, eps, new float[] {0.5f, 0f});
        assertArrayEquals(new float[] {0f, 1f, 3f, 4f}, half);
        assertArrayEquals(new float[] {-2, -2, -2, -3.5f}, FlowMatching.target(x0, eps));
        // logit-normal: n = 0 is the median t = 0.5 before the shift
        FlowMatching noShift = new FlowMatching(0, 1, TimeShift.NONE);
        assertEquals(0.5, noShift.sampleTime(0, 100), 1e-12);
        assertTrue(noShift.sampleTime(3, 100) > 0.9);
        // a low-noise expert's range: the same draw, mapped linearly into [0, 0.5]
        FlowMatching low = new FlowMatching(0, 1, TimeShift.FLUX, 0, 0.5);
        for (double n : new double[] {-3, -1, 0, 0.7, 3})
            assertEquals(0.5 * FlowMatching.DEFAULT.sampleTime(n, 576), low.sampleTime(n, 576), 1e-12);
        assertEquals(0.25 + 0.5 * 0.5, new FlowMatching(0, 1, TimeShift.NONE, 0.25, 0.75).sampleTime(0, 100), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new FlowMatching(0, 1, TimeShift.NONE, 0.5, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new FlowMatching(0, 1, TimeShift.NONE, -0.1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new FlowMatching(0, 1, TimeShift.NONE, 0, 1.5));
        assertArrayEquals(new float[] {5f}, FlowMatching.guide(new float[] {3f}, new float[] {2f}, 3.0));
    }

    @Test void requestsOutsideTheModelNameAllowedValues() {
        Capabilities c = Capabilities.DEFAULT;
        VideoShape s = c.check(Capabilities.Size.parse("160x96"), 8, 4);
        assertEquals(32, s.frames());
        assertEquals(9, s.latentFrames());
        assertEquals(33, s.decodedFrames());
        assertEquals(9 * 6 * 10, s.tokens(1, 2) * 4 / 4);
        var e = assertThrows(IllegalArgumentException.class, () -> c.check(new Capabilities.Size(100, 100), 8, 4));
        assertTrue(e.getMessage().contains("128x128, 160x96, 96x160"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.check(new Capabilities.Size(128, 128), 8, 9));
        assertTrue(e.getMessage().contains("1 to 8 s"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.check(new Capabilities.Size(128, 128), 24, 2));
        assertTrue(e.getMessage().contains("allowed: 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.check(new Capabilities.Size(128, 128), 8, 1.01));
        assertTrue(e.getMessage().contains("whole number of frames"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Capabilities.Size.parse("12 by 12"));
    }

    @Test void bucketsMixAspectsDurationsAndImages() {
        Buckets b = Buckets.standard();
        assertEquals(15, b.buckets().size());
        assertTrue(b.buckets().stream().anyMatch(Bucket::isImage));
        assertEquals(new Bucket(33, 96, 160), b.fit(40, 90, 160));
        assertEquals(new Bucket(1, 160, 96), b.fit(1, 200, 120));
        assertNull(Buckets.of(new int[][] {{128, 128}}, new int[] {9}).fit(5, 128, 128));
        // images are picked more often than 8-second clips, and picking is a pure function of u
        int img = 0, longClip = 0;
        for (int i = 0; i < 1000; i++) {
            Bucket p = b.pick(i / 1000.0);
            if (p.isImage()) img++;
            if (p.frames() == 65) longClip++;
        }
        assertTrue(img > longClip * 5, img + " vs " + longClip);
        assertEquals(b.pick(0.123), b.pick(0.123));
        assertThrows(IllegalArgumentException.class, () -> new Bucket(4, 128, 128));
    }

    @Test void configRoundTripsThroughJsonAndRejectsBadFields() {
        for (String preset : new String[] {"tiny", "XS", "S", "B"}) {
            var c = dev.tessera.model.config.ModelConfig.preset(preset);
            assertEquals(c, dev.tessera.model.config.ModelConfig.fromJson(c.toJson()));
        }
        String json = dev.tessera.model.config.ModelConfig.preset("tiny").toJson();
        var e = assertThrows(IllegalArgumentException.class,
                () -> dev.tessera.model.config.ModelConfig.fromJson(json.replace("\"heads\" : 4", "\"heads\" : 3")));
        assertTrue(e.getMessage().contains("multiple of heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> dev.tessera.model.config.ModelConfig.fromJson(json.replace("\"preset\"", "\"presett\"")));
        assertTrue(e.getMessage().startsWith("bad model config"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dev.tessera.model.config.ModelConfig.preset("XL"));
        // a config from before the VAE shortcut existed reads as shortcut = false
        String xs = dev.tessera.model.config.ModelConfig.preset("XS").toJson();
        assertTrue(dev.tessera.model.config.ModelConfig.fromJson(xs).vae().shortcut());
        assertFalse(dev.tessera.model.config.ModelConfig.fromJson(xs.replaceAll(",\\s*\"shortcut\" : true", "")).vae().shortcut());
        // the model's own guidance scale: 4 unless recorded, kept through JSON, bounded
        var apg = dev.tessera.model.sample.Sampler.Guidance.APG;
        var g = dev.tessera.model.config.ModelConfig.preset("XS").withGuidance(30, apg);
        assertEquals(30.0, dev.tessera.model.config.ModelConfig.fromJson(g.toJson()).guidance());
        assertEquals(apg, dev.tessera.model.config.ModelConfig.fromJson(g.toJson()).guidanceMode());
        String noGuidance = xs.replaceAll(",\\s*\"guidance\" : 4.0", "").replaceAll(",\\s*\"guidanceMode\" : \"CFG\"", "");
        assertFalse(noGuidance.contains("guidance"), noGuidance);
        assertEquals(4.0, dev.tessera.model.config.ModelConfig.fromJson(noGuidance).guidance());
        assertEquals(dev.tessera.model.sample.Sampler.Guidance.CFG, dev.tessera.model.config.ModelConfig.fromJson(noGuidance).guidanceMode());
        assertThrows(IllegalArgumentException.class, () -> dev.tessera.model.config.ModelConfig.preset("XS").withGuidance(0.5, apg));
        assertThrows(IllegalArgumentException.class, () -> dev.tessera.model.config.ModelConfig.fromJson(xs.replace("\"CFG\"", "\"XYZ\"")));
    }
}
