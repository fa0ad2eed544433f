package dev.tessera.world;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionTest {
    @Test void everyCaptionParsesBackToTheSameFactsInBothLanguages() {
        List<String> failures = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        int n = 400;
        for (long seed = 0; seed < n; seed++) {
            SceneSpec spec = SceneSampler.sample(seed).resolve(seed);
            SceneFacts truth = spec.facts();
            for (Lang lang : Lang.values())
                for (Captioner.Length len : Captioner.Length.values()) {
                    String cap = Captioner.caption(spec, lang, new Random(seed * 7 + lang.ordinal() * 3 + len.ordinal()), len);
                    distinct.add(cap);
                    try {
                        SceneFacts parsed = SceneParser.parse(cap, seed).facts();
                        if (!parsed.agreesWith(truth)) failures.add(lang + " " + len + " seed " + seed + ": " + cap + "\n  parsed " + parsed.core() + "\n  truth  " + truth.core());
                    } catch (RuntimeException e) {
                        failures.add(lang + " " + len + " seed " + seed + ": " + cap + "\n  error " + e.getMessage());
                    }
                }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, first:\n" + String.join("\n", failures.subList(0, Math.min(6, failures.size()))));
        assertTrue(distinct.size() > n * 3.5, "captions should vary: " + distinct.size());
    }

    @Test void sameSceneGetsVariedCaptions() {
        SceneSpec spec = SceneSampler.sample(3).resolve(3);
        Set<String> en = new HashSet<>(), zh = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            en.add(Captioner.caption(spec, Lang.EN, new Random(i)));
            zh.add(Captioner.caption(spec, Lang.ZH, new Random(i)));
        }
        assertTrue(en.size() >= 5 && zh.size() >= 5, en + "\n" + zh);
    }

    @Test void unknownWordsAreNamedWithNearestTerms() {
        var e = assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("a red bal rolls from left to rihgt", 1));
        assertTrue(e.getMessage().contains("\"bal\"") && e.getMessage().contains("\"ball\""), e.getMessage());
        assertTrue(e.getMessage().contains("\"rihgt\"") && e.getMessage().contains("right"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        var z = assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("一个红色的球在桌子上滚动，旁边有一只鳄鱼", 1));
        assertTrue(z.getMessage().contains("鳄鱼"), z.getMessage());
    }

    @Test void danglingWordsAreErrorsNotIgnored() {
        assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("a red ball. blue.", 1));
        assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("a red ball is to the left of", 1));
        assertEquals(1, SceneParser.parse("the balloon pops", 1).events().size());
        assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("the cube pops", 1));
        assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("a jacket", 1));
    }
}
