package dev.tessera.world;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {
    static SceneFacts facts(String p) { return SceneParser.parse(p, 1).facts(); }

    @Test void rightOfIsStoredAsLeftOfSwappedInBothLanguages() {
        var en = facts("a blue cube is to the right of a red ball").relations();
        var zh = facts("蓝色的立方体在红色的球的右边").relations();
        assertEquals(List.of(new SceneFacts.RelationFact("red ball", "left_of", "blue cube")), en);
        assertEquals(en, zh);
    }

    @Test void countsPluralsAndReferences() {
        SceneSpec s = SceneParser.parse("Two pirate ships sail. The ships battle.", 1);
        assertEquals(1, s.things().size());
        assertEquals(2, s.things().getFirst().count());
        assertEquals(List.of(Vocab.Motion.FLOAT, Vocab.Motion.BATTLE), s.things().getFirst().motions());
        assertEquals(5, SceneParser.parse("许多行人走来走去", 1).things().getFirst().count());
        assertEquals(3, SceneParser.parse("three red balls bounce", 1).things().getFirst().count());
        // "the red ball" refers back; "a red ball" is a new one
        assertEquals(1, SceneParser.parse("a red ball rolls. the red ball bounces.", 1).things().size());
        assertEquals(2, SceneParser.parse("a red ball rolls. a blue ball bounces.", 1).things().size());
    }

    @Test void fallingDominoesAreTheChainEventNotAMotionTheClipWouldNotShow() {
        for (String p : new String[] {"a domino chain falls", "the dominoes fall", "the black dominoes fall one after another", "多米诺骨牌落下"}) {
            SceneFacts f = SceneFacts.of(SceneParser.parse(p, 1));
            assertEquals(1, f.events().size(), p);
            assertEquals("domino_chain", f.events().getFirst().event(), p);
            assertTrue(f.motions().isEmpty(), p + " " + f.motions());
        }
    }

    @Test void aBallPushingTheDominoesIsTheChainsAgent() {
        for (String p : new String[] {"the ball pushes the dominoes", "the red ball pushes over the dominoes", "红球推倒了多米诺骨牌"}) {
            SceneFacts f = SceneFacts.of(SceneParser.parse(p, 1));
            assertEquals("domino_chain", f.events().getFirst().event(), p);
            assertNotNull(f.events().getFirst().agent(), p);
            assertTrue(f.events().getFirst().agent().endsWith("ball"), p + " " + f.events());
        }
        assertEquals("dolly_in", SceneFacts.of(SceneParser.parse("a red ball. the camera pushes in", 1)).camera());
    }

    @Test void eventsAreOrderedByFirstThenInBothLanguages() {
        var en = facts("First the balloon pops, then the lamp switches on.").events();
        var zh = facts("首先气球爆了，然后台灯亮了。").events();
        assertEquals(List.of("pop", "lamp_on"), en.stream().map(SceneFacts.EventFact::event).toList());
        assertEquals(en, zh);
        var knock = facts("the red ball knocks over the block tower").events().getFirst();
        assertEquals("knock", knock.event());
        assertEquals("red ball", knock.agent());
    }

    @Test void mixedLanguageAndCameraPhrasings() {
        SceneSpec s = SceneParser.parse("一个 red ball 从左到右滚动. The camera slowly pans to the right.", 1);
        assertEquals(Vocab.Kind.BALL, s.things().getFirst().kind());
        assertEquals(Vocab.Direction.LEFT_TO_RIGHT, s.things().getFirst().direction());
        assertEquals(Vocab.CameraMove.PAN_RIGHT, s.camera());
        assertEquals(Vocab.CameraMove.TRACKING, SceneParser.parse("镜头跟随一只狗。一只狗在草地上奔跑", 1).camera());
    }

    @Test void conflictsAndNonsenseAreOneLineErrors() {
        for (String p : List.of("a ball on a beach in a cup of coffee", "the camera pans left. the camera zooms in.", "a red blue ball",
                "a jacket", "the cube pops", "红色的", "a ball rolls from left to right to the left of")) {
            var e = assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse(p, 1), p);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(SceneParser.ParseException.class, () -> SceneParser.parse("   ", 1));
    }
}
