package dev.tessera.media.provenance;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Frame;
import dev.tessera.media.Images;
import dev.tessera.media.TestSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VisibleLabelTest {
    @Test void drawsOnlyInTheCornerAndDeterministically() {
        Frame f = TestSupport.moving(256, 256, 1, 1, 3).frames().getFirst();
        VisibleLabel label = VisibleLabel.forLanguage("en");
        Frame a = label.apply(f), b = label.apply(f);
        assertArrayEquals(a.rgb(), b.rgb());
        VisibleLabel.Overlay o = label.overlay(256, 256);
        assertTrue(o.x0() + o.w() <= 256 && o.y0() + o.h() <= 256);
        assertTrue(o.x0() > 256 / 3 && o.y0() > 200, "bottom-right corner: " + o);
        int changedOutside = 0, white = 0;
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++) {
                boolean inside = x >= o.x0() && x < o.x0() + o.w() && y >= o.y0() && y < o.y0() + o.h();
                if (!inside && a.get(x, y) != f.get(x, y)) changedOutside++;
                if (inside && (a.get(x, y) & 0xFF) > 200) white++;
            }
        assertEquals(0, changedOutside);
        assertTrue(white > 40, "text pixels drawn: " + white);
    }

    @Test void rendersChineseFromTheEmbeddedFont() throws Exception {
        for (int cp : "AI生成·".codePoints().toArray()) assertTrue(VisibleLabel.Glyphs.has(cp), "glyph U+" + Integer.toHexString(cp));
        Frame f = Frame.blank(320, 180);
        Frame zh = VisibleLabel.forLanguage("zh").apply(f), en = VisibleLabel.forLanguage("en").apply(f);
        assertFalse(java.util.Arrays.equals(zh.rgb(), en.rgb()));
        Path out = Path.of("target", "label-samples");
        Images.writePng(zh, out.resolve("label-zh.png"));
        Images.writePng(en, out.resolve("label-en.png"));
        Images.writePng(VisibleLabel.forLanguage("en").apply(TestSupport.moving(256, 256, 1, 1, 3).frames().getFirst()), out.resolve("label-256.png"));
        assertThrows(IllegalArgumentException.class, () -> VisibleLabel.forLanguage("xx"));
        assertThrows(IllegalArgumentException.class, () -> new VisibleLabel(" ", VisibleLabel.Corner.TOP_LEFT));
    }

    @Test void fitsSmallFrames() {
        VisibleLabel.Overlay o = VisibleLabel.forLanguage("en").overlay(64, 64);
        assertTrue(o.w() <= 64 && o.x0() >= 0, o.toString());
    }
}
