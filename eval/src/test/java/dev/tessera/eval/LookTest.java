package dev.tessera.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Runs the {@link Look} dev aid from Maven: -Dlook="OUTDIR W H FPS SECONDS|prompt|prompt". Skipped otherwise. */
class LookTest {
    @Test @EnabledIfSystemProperty(named = "look", matches = ".+")
    void look() throws Exception { Look.main(System.getProperty("look").split("\\|")); }

    @Test @EnabledIfSystemProperty(named = "promptset", matches = ".+")
    void promptSet() throws Exception { PromptSetTool.main(System.getProperty("promptset").split("\\|")); }
}
