package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Paired comparison of two reports, against hand-computed differences. */
class ComparisonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception { return JSON.readTree(s.replace('\'', '"')); }

    @Test void pairsByLineAndSeedOrderAndComputesTheDifferences() throws Exception {
        // line 1 twice (two seeds), line 2 once, line 3 failed in B, line 4 only in A
        JsonNode a = json("{'overall': 0.5, 'overall_above_null': 0.1, 'prompts': ["
                + "{'line': 1, 'prompt': 'p1', 'frames_sha256': 'aa', 'scores': {'presence': 1.0, 'spatial': 0.0}},"
                + "{'line': 2, 'prompt': 'p2', 'frames_sha256': 'bb', 'scores': {'presence': 0.5}},"
                + "{'line': 1, 'prompt': 'p1', 'frames_sha256': 'cc', 'scores': {'presence': 1.0, 'spatial': 1.0}},"
                + "{'line': 3, 'prompt': 'p3', 'scores': {'presence': 1.0}},"
                + "{'line': 4, 'prompt': 'p4', 'scores': {'presence': 1.0}}]}");
        JsonNode b = json("{'overall': 0.6, 'prompts': ["
                + "{'line': 1, 'prompt': 'p1', 'frames_sha256': 'aa', 'scores': {'presence': 1.0, 'spatial': 1.0}},"
                + "{'line': 1, 'prompt': 'p1', 'frames_sha256': 'cd', 'scores': {'presence': 0.0, 'spatial': 1.0}},"
                + "{'line': 2, 'prompt': 'p2', 'scores': {'presence': 0.5, 'camera': 1.0}},"
                + "{'line': 3, 'prompt': 'p3', 'error': 'line 3: broken'}]}");
        Comparison c = Comparison.of(a, b);
        // pairs: line 1 seed order (1st with 1st: spatial +1; 2nd with 2nd: presence -1), line 2 (presence 0)
        assertEquals(3, c.perVideo.n());
        // per video: (+1 + 0) / 2 = 0.5; (-1 + 0) / 2 = -0.5; 0 (camera only in B is not shared)
        assertEquals(0.0, c.perVideo.mean(), 1e-12);
        assertEquals(Math.sqrt((0.25 + 0.25 + 0) / 2 / 3), c.perVideo.se(), 1e-12);
        assertEquals(1, c.better);
        assertEquals(1, c.worse);
        assertEquals(-1.0 / 3, c.dimensions.get("presence").mean(), 1e-12);
        assertEquals(3, c.dimensions.get("presence").n());
        assertEquals(0.5, c.dimensions.get("spatial").mean(), 1e-12);
        assertFalse(c.dimensions.containsKey("camera"));
        assertEquals(1, c.sameFrames);
        assertEquals(1, c.differentFrames);
        assertEquals(1, c.unhashed);
        assertEquals(2, c.skipped); // line 3 failed in B, line 4 only in A
        assertEquals(0.1, c.aboveNullA, 1e-12);
        assertNull(c.aboveNullB);
        JsonNode j = c.toJson();
        assertEquals(0.6, j.get("overall_b").asDouble(), 1e-12);
        assertFalse(j.has("overall_above_null_a")); // only when both have it
        assertTrue(c.table().contains("1 better, 1 worse"), c.table());
        // a report against itself: no change, every hashed video the same frames
        Comparison self = Comparison.of(a, a);
        assertEquals(0, self.perVideo.mean(), 0);
        assertEquals(3, self.sameFrames);
    }

    @Test void reportsThatDoNotPairUpAreRefusedWithOneLine() throws Exception {
        JsonNode a = json("{'prompts': [{'line': 1, 'prompt': 'a red ball', 'scores': {'presence': 1.0}}]}");
        JsonNode other = json("{'prompts': [{'line': 1, 'prompt': 'a blue cube', 'scores': {'presence': 1.0}}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Comparison.of(a, other));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("a blue cube"), e.getMessage());
        JsonNode disjoint = json("{'prompts': [{'line': 2, 'prompt': 'x', 'scores': {'presence': 1.0}}]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Comparison.of(a, disjoint)).getMessage().contains("no judged video"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Comparison.of(a, json("{'overall': 1}"))).getMessage().contains("report B"));
    }
}
