package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.DType;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.media.Video;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.sample.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text→video pipeline end to end on a tiny untrained model: shapes, determinism, the folder format. */
class PipelineTest {
    static final Capabilities SMALL = new Capabilities(
            List.of(new Capabilities.Size(32, 32), new Capabilities.Size(48, 32), new Capabilities.Size(32, 48)), List.of(8), 0.125, 2);

    static TesseraModel tiny() {
        ModelConfig p = ModelConfig.preset("tiny");
        return TesseraModel.create(new ModelConfig("tiny", p.vae(), p.text(), p.dit(), SMALL, 0.5, 1.15), 3);
    }

    static TextToVideo.Request req(String size, double seconds, long seed) {
        return new TextToVideo.Request("a red ball bounces from left to right", Capabilities.Size.parse(size), 8, seconds, 3, 3.0, seed, Sampler.Solver.EULER);
    }

    @Test void aspectRatioAndDurationChangeTheOutputShapeWithTheSameWeights() {
        TextToVideo t2v = new TextToVideo(tiny());
        List<int[]> seen = new ArrayList<>();
        for (String size : new String[] {"32x32", "48x32", "32x48"})
            for (double s : new double[] {0.125, 1.0}) {
                TextToVideo.Result r = t2v.generate(req(size, s, 1), Sampler.Progress.NONE);
                Video v = r.video();
                Capabilities.Size sz = Capabilities.Size.parse(size);
                assertEquals(sz.width(), v.width());
                assertEquals(sz.height(), v.height());
                assertEquals((int) Math.round(s * 8), v.frameCount());
                assertEquals(8.0, v.fps());
                seen.add(new int[] {v.width(), v.height(), v.frameCount()});
            }
        assertEquals(6, seen.stream().map(Arrays::toString).distinct().count());
        // an image is a one-frame video
        assertEquals(1, t2v.generate(req("32x32", 0.125, 1), Sampler.Progress.NONE).video().frameCount());
    }

    @Test void reconstructIsTheDecodedPosteriorMeanCutToLength() {
        TesseraModel m = tiny();
        Rng rng = new Rng(7);
        List<dev.tessera.media.Frame> frames = new ArrayList<>();
        for (int f = 0; f < 9; f++) {
            int[] rgb = new int[32 * 32];
            for (int i = 0; i < rgb.length; i++) rgb[i] = rng.nextInt(1 << 24);
            frames.add(new dev.tessera.media.Frame(32, 32, rgb));
        }
        Video clip = new Video(32, 32, 8, frames);
        Video r = m.reconstruct(clip, 8);
        assertEquals(8, r.frameCount());
        assertEquals(8.0, r.fps());
        Video all;
        try (var g = Grad.off()) {
            all = VideoTensors.toVideo(m.vae.decode(m.vae.encode(VideoTensors.toTensor(clip)).mean()), 0, 9, 8);
        }
        for (int f = 0; f < 8; f++) assertArrayEquals(all.frames().get(f).rgb(), r.frames().get(f).rgb(), "frame " + f);
        assertThrows(IllegalArgumentException.class, () -> m.reconstruct(clip, 10));
        Video ten = new Video(32, 32, 8, new ArrayList<>(frames) {{ add(frames.getFirst()); }});
        var e = assertThrows(IllegalArgumentException.class, () -> m.reconstruct(ten, 10));
        assertTrue(e.getMessage().contains("1+4k"), e.getMessage());
    }

    @Test void sameSeedSameBytesDifferentSeedDifferentVideo() {
        TextToVideo t2v = new TextToVideo(tiny());
        int[] steps = new int[1];
        Video a = t2v.generate(req("48x32", 1, 42), (done, total) -> steps[0] = done).video();
        assertEquals(3, steps[0]);
        Video b = new TextToVideo(tiny()).generate(req("48x32", 1, 42), Sampler.Progress.NONE).video();
        Video c = t2v.generate(req("48x32", 1, 43), Sampler.Progress.NONE).video();
        for (int i = 0; i < a.frameCount(); i++) assertArrayEquals(a.frames().get(i).rgb(), b.frames().get(i).rgb());
        boolean differs = false;
        for (int i = 0; i < a.frameCount(); i++) differs |= !Arrays.equals(a.frames().get(i).rgb(), c.frames().get(i).rgb());
        assertTrue(differs, "a different seed gave the same video");
    }

    @Test void aRefinerDitTakesOverOnlyBelowItsTime() {
        TesseraModel base = tiny(), refiner = tiny();
        dev.tessera.engine.Rng rng = new dev.tessera.engine.Rng(17);
        refiner.dit.stateDict().values().forEach(t -> { float[] d = t.data(); for (int i = 0; i < d.length; i++) d[i] = 0.05f * (float) rng.nextGaussian(); });
        Video plain = new TextToVideo(base).generate(req("32x32", 1, 7), Sampler.Progress.NONE).video();
        Video self = new TextToVideo(base).withRefiner(tiny(), 0.5).generate(req("32x32", 1, 7), Sampler.Progress.NONE).video();
        Video never = new TextToVideo(base).withRefiner(refiner, 1e-6).generate(req("32x32", 1, 7), Sampler.Progress.NONE).video();
        Video low = new TextToVideo(base).withRefiner(refiner, 0.5).generate(req("32x32", 1, 7), Sampler.Progress.NONE).video();
        boolean differs = false;
        for (int i = 0; i < plain.frameCount(); i++) {
            assertArrayEquals(plain.frames().get(i).rgb(), self.frames().get(i).rgb(), "the same weights as refiner: the same video");
            assertArrayEquals(plain.frames().get(i).rgb(), never.frames().get(i).rgb(), "no step at t <= 1e-6: the base DiT only");
            differs |= !Arrays.equals(plain.frames().get(i).rgb(), low.frames().get(i).rgb());
        }
        assertTrue(differs, "the refiner's DiT ran on the low-noise steps");
        ModelConfig p = ModelConfig.preset("tiny");
        TesseraModel otherVae = TesseraModel.create(new ModelConfig("tiny", p.vae().withLatentStats(0.3, 2.0), p.text(), p.dit(), SMALL, 0.5, 1.15), 3);
        var e = assertThrows(IllegalArgumentException.class, () -> new TextToVideo(base).withRefiner(otherVae, 0.5));
        assertTrue(e.getMessage().contains("another VAE or text encoder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextToVideo(base).withRefiner(refiner, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new TextToVideo(base).withRefiner(refiner, 0));
    }

    @Test void requestsTheModelCannotMakeNameTheAllowedValues() {
        TextToVideo t2v = new TextToVideo(tiny());
        var e = assertThrows(IllegalArgumentException.class, () -> t2v.generate(req("64x64", 1, 1), Sampler.Progress.NONE));
        assertTrue(e.getMessage().contains("allowed: 32x32, 48x32, 32x48"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t2v.generate(req("32x32", 3, 1), Sampler.Progress.NONE));
        assertTrue(e.getMessage().contains("0.125 to 2 s"), e.getMessage());
    }

    @Test void modelFolderRoundTripsAndLoadsStrictly(@TempDir Path dir) throws Exception {
        TesseraModel m = tiny();
        m.save(dir, DType.F32);
        for (String f : new String[] {"model.json", "vae.safetensors", "text.safetensors", "dit.safetensors"})
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        TesseraModel back = TesseraModel.load(dir);
        assertEquals(m.config, back.config);
        Video a = new TextToVideo(m).generate(req("32x32", 1, 5), Sampler.Progress.NONE).video();
        Video b = new TextToVideo(back).generate(req("32x32", 1, 5), Sampler.Progress.NONE).video();
        for (int i = 0; i < a.frameCount(); i++) assertArrayEquals(a.frames().get(i).rgb(), b.frames().get(i).rgb());

        // a bf16 folder loads too (weights rounded)
        Path bf = dir.resolve("bf16");
        m.save(bf, DType.BF16);
        assertTrue(Files.size(bf.resolve("dit.safetensors")) < Files.size(dir.resolve("dit.safetensors")));
        TesseraModel.load(bf);

        // per component: a bf16 DiT beside the F32 VAE and text encoder; the F32 files keep their exact weights
        Path mixed = dir.resolve("mixed");
        m.save(mixed, c -> c.equals("dit") ? DType.BF16 : DType.F32);
        assertEquals(Files.size(bf.resolve("dit.safetensors")), Files.size(mixed.resolve("dit.safetensors")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("vae.safetensors")), Files.readAllBytes(mixed.resolve("vae.safetensors")));
        TesseraModel mb = TesseraModel.load(mixed), fb = TesseraModel.load(bf);
        boolean rounded = false;
        for (var en : m.dit.stateDict().entrySet()) {
            float[] want = fb.dit.stateDict().get(en.getKey()).toArray();
            assertArrayEquals(want, mb.dit.stateDict().get(en.getKey()).toArray(), en.getKey());
            rounded |= !Arrays.equals(want, en.getValue().toArray());
        }
        assertTrue(rounded, "the bf16 DiT holds the F32 weights exactly");
        for (var en : m.vae.stateDict().entrySet())
            assertArrayEquals(en.getValue().toArray(), mb.vae.stateDict().get(en.getKey()).toArray(), en.getKey());

        // strict: a missing file, a swapped component, a different config, a truncated file
        Path broken = dir.resolve("broken");
        m.save(broken, DType.F32);
        Files.delete(broken.resolve("text.safetensors"));
        var e = assertThrows(IllegalArgumentException.class, () -> TesseraModel.load(broken));
        assertTrue(e.getMessage().contains("has no text.safetensors"), e.getMessage());
        Files.copy(broken.resolve("vae.safetensors"), broken.resolve("text.safetensors"));
        e = assertThrows(IllegalArgumentException.class, () -> TesseraModel.load(broken));
        assertTrue(e.getMessage().contains("not a Tessera text checkpoint"), e.getMessage());

        Path other = dir.resolve("other");
        TesseraModel.create(ModelConfig.preset("tiny"), 1).save(other, DType.F32);
        Files.copy(other.resolve("dit.safetensors"), dir.resolve("dit.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = assertThrows(IllegalArgumentException.class, () -> TesseraModel.load(dir));
        assertTrue(e.getMessage().contains("different config"), e.getMessage());

        byte[] bytes = Files.readAllBytes(other.resolve("vae.safetensors"));
        Files.write(other.resolve("vae.safetensors"), Arrays.copyOf(bytes, bytes.length - 10));
        e = assertThrows(IllegalArgumentException.class, () -> TesseraModel.load(other));
        assertTrue(e.getMessage().contains("vae.safetensors"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> TesseraModel.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
