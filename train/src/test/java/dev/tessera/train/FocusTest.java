package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.data.Bucket;
import dev.tessera.world.Sample;
import org.junit.jupiter.api.Test;

/** {@code train --focus}: a share of the world stream replaced by focus scenes, deterministically. */
class FocusTest {
    private static final Bucket SMALL = new Bucket(5, 32, 32);

    @Test
    void noFocusIsThePlainStream() {
        WorldSource plain = WorldSource.create(3, 8), zero = WorldSource.create(3, 8, 0);
        for (long i = 0; i < 6; i++) {
            assertNull(zero.focus(i));
            Sample a = plain.sample(i, SMALL), b = zero.sample(i, SMALL);
            assertEquals(a.index(), b.index());
            assertEquals(a.captionEn(), b.captionEn());
        }
    }

    @Test
    void everyFocusClipShowsItsFocusHalfOfThemARelation() {
        WorldSource all = WorldSource.create(3, 8, 1), plain = WorldSource.create(3, 8);
        int relations = 0;
        for (long i = 0; i < 24; i++) {
            WorldSource.Focus f = all.focus(i);
            Sample s = all.sample(i, SMALL);
            assertTrue(f.test(s.spec()), "clip " + i + " (" + f + "): " + s.captionEn());
            assertTrue(s.spec().things().size() <= 3);
            if (f == WorldSource.Focus.RELATION) {
                relations++;
                assertTrue(!s.spec().relations().isEmpty());
            } else {
                String en = s.captionEn().toLowerCase();
                assertTrue(en.contains("left") || en.contains("right"), "a travel caption names its direction: " + en);
            }
            assertNotEquals(plain.sample(i, SMALL).index(), s.index(), "focus clips come from elsewhere in the split");
        }
        assertTrue(relations >= 6 && relations <= 18, "about half relations: " + relations + " of 24");
    }

    @Test
    void theShareIsRespectedAndDeterministic() {
        WorldSource a = WorldSource.create(5, 8, 0.3), b = WorldSource.create(5, 8, 0.3), other = WorldSource.create(6, 8, 0.3);
        int focused = 0, differ = 0;
        for (long i = 0; i < 4000; i++) {
            assertEquals(a.focus(i), b.focus(i));
            if (a.focus(i) != null) focused++;
            if (a.focus(i) != other.focus(i)) differ++;
        }
        assertTrue(focused > 1080 && focused < 1320, "30% of 4000 clips ± 6 sd: " + focused);
        assertTrue(differ > 1000, "another run seed picks other clips: " + differ);
        for (long i = 0; i < 4; i++) assertEquals(a.sample(i, SMALL).captionZh(), b.sample(i, SMALL).captionZh());
    }

    @Test
    void focusIsRefusedOutsideTheWorldAndOutOfRange() {
        TrainConfig world = TrainConfig.defaults(TrainKind.DIT, "tiny");
        String json = world.toBuilder().focus(0.5).build().toJson();
        assertEquals(0.5, TrainConfig.fromJson(json).focus(), "kept in run.json, so --resume keeps the mix");
        String before = json.replaceAll(",\\s*\"focus\"\\s*:\\s*[0-9.eE+-]+", "");
        assertTrue(json.contains("\"focus\"") && !before.contains("\"focus\""));
        assertEquals(0, TrainConfig.fromJson(before).focus(), "a config saved before the option reads as the plain stream");
        var e = assertThrows(IllegalArgumentException.class, () -> world.toBuilder().focus(1.5).build());
        assertEquals("--focus must be in [0, 1], got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> world.toBuilder().data("clips").focus(0.5).build());
        assertEquals("--focus needs --data world (it picks world scenes by their facts)", e.getMessage());
    }
}
