package dev.tessera.world;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    static final Dataset.Config TINY = new Dataset.Config(32, 32, 4, 4, 1, HeldOut.DEFAULTS);

    @Test void samplesAreDeterministicBySeedAndSplitsDoNotOverlap() {
        Dataset ds = new Dataset(TINY);
        Sample a = ds.sample(17, Split.TRAIN), b = ds.sample(17, Split.TRAIN), c = ds.sample(17, Split.TEST);
        assertEquals(a.captionEn(), b.captionEn());
        assertEquals(a.captionZh(), b.captionZh());
        assertEquals(a.truth().toJson(), b.truth().toJson());
        for (int i = 0; i < a.clip().frameCount(); i++) assertArrayEquals(a.clip().frames().get(i).rgb(), b.clip().frames().get(i).rgb());
        assertNotEquals(a.seed(), c.seed());
        assertEquals(Split.TRAIN, Split.of(a.seed()));
        assertEquals(Split.TEST, Split.of(c.seed()));
        assertEquals(4, a.clip().frameCount());
        assertFalse(a.captionEn().isBlank());
        assertTrue(a.captionZh().codePoints().anyMatch(cp -> cp >= 0x4e00 && cp <= 0x9fff));
    }

    @Test void streamIsEndlessAndMatchesIndexedSamples() {
        Dataset ds = new Dataset(TINY);
        List<Sample> first = ds.stream(Split.TRAIN, 3).limit(3).toList();
        for (int i = 0; i < 3; i++) assertEquals(ds.sample(3 + i, Split.TRAIN).captionEn(), first.get(i).captionEn());
        assertTrue(first.getFirst().facts().toJson().contains("\"objects\""));
    }

    @Test void heldOutCombinationsNeverAppearInTrainingAndMakeUpHeldOut() {
        List<HeldOut> held = List.of(HeldOut.parse("*:ball:*:*"), HeldOut.parse("red:*:*:*"));
        Dataset ds = new Dataset(new Dataset.Config(32, 32, 4, 2, 1, held));
        for (int i = 0; i < 300; i++) assertFalse(HeldOut.any(held, ds.scene(i, Split.TRAIN)), "train sample " + i);
        for (int i = 0; i < 30; i++) assertTrue(HeldOut.any(held, ds.scene(i, Split.HELDOUT)), "heldout sample " + i);
        assertThrows(IllegalArgumentException.class, () -> HeldOut.parse("red:ball"));
        assertThrows(IllegalArgumentException.class, () -> HeldOut.parse("reddish:*:*:*"));
    }

    @Test void sampledScenesCoverTheVocabulary() {
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (long s = 0; s < 1500; s++) {
            SceneSpec sp = SceneSampler.sample(s);
            seen.add(sp.setting()); seen.add(sp.camera());
            for (SceneSpec.Thing t : sp.things()) { seen.add(t.kind()); seen.add(t.colour()); t.motions().forEach(seen::add); }
            for (SceneSpec.Event e : sp.events()) seen.add(e.kind());
            seen.addAll(sp.particles());
        }
        for (Vocab.Setting x : Vocab.Setting.values()) assertTrue(seen.contains(x), x.toString());
        for (Vocab.CameraMove x : Vocab.CameraMove.values()) assertTrue(seen.contains(x), x.toString());
        for (Vocab.EventKind x : Vocab.EventKind.values()) assertTrue(seen.contains(x), x.toString());
        for (Vocab.Kind x : Vocab.Kind.values())
            if (x != Vocab.Kind.PAINT_STROKE || seen.contains(Vocab.EventKind.PAINT)) assertTrue(seen.contains(x), x.toString());
    }

    @Test void shardsRoundTripWithAllCores(@TempDir Path dir) throws Exception {
        Dataset ds = new Dataset(TINY);
        Shards.write(dir, ds, Split.VALIDATION, 5, 7, 3, 2, null);
        assertTrue(Files.exists(dir.resolve("index.json")));
        try (var files = Files.list(dir)) { assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp"))); }
        Shards.Reader r = new Shards.Reader(dir);
        assertEquals(7, r.count);
        for (int i = 0; i < 7; i++) {
            Sample s = ds.sample(5 + i, Split.VALIDATION);
            byte[][] f = r.frames(i);
            int[] rgb = s.clip().frames().get(3).rgb();
            for (int p = 0; p < rgb.length; p++) {
                assertEquals((rgb[p] >> 16) & 255, f[3][3 * p] & 255);
                assertEquals(rgb[p] & 255, f[3][3 * p + 2] & 255);
            }
            var meta = r.meta(i);
            assertEquals(s.seed(), meta.get("seed").asLong());
            assertEquals(s.captionZh(), meta.get("caption_zh").asText());
            assertEquals(s.truth().frameCount, meta.get("truth").get("frames").size());
        }
    }
}
