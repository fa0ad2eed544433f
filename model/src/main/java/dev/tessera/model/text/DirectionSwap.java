package dev.tessera.model.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A caption's mirror image in words: left and right exchanged (English "left"/"right", "leftward(s)"/"rightward(s)",
 * any capitalisation of the first letter; Chinese 左/右). "A red ball rolls from left to right" becomes "… from right
 * to left", "在蓝色方块的左面" becomes "… 右面". The negative caption of the flow-matching loss's direction contrast
 * ({@code FlowMatchingLoss.Contrast}): the same clip, described with every direction, side and camera turn reversed.
 */
public final class DirectionSwap {
    private DirectionSwap() {}

    private static final Pattern EN = Pattern.compile("\\b([Ll]eft|[Rr]ight)(wards?)?\\b");

    /** The caption with left and right exchanged, or null when it names neither (nothing to contrast). */
    public static String swap(String caption) {
        if (caption == null || caption.isEmpty()) return null;
        Matcher m = EN.matcher(caption);
        StringBuilder sb = new StringBuilder(caption.length());
        boolean changed = false;
        while (m.find()) {
            String w = m.group(1), other = w.equalsIgnoreCase("left") ? "right" : "left";
            if (Character.isUpperCase(w.charAt(0))) other = Character.toUpperCase(other.charAt(0)) + other.substring(1);
            m.appendReplacement(sb, Matcher.quoteReplacement(other + (m.group(2) == null ? "" : m.group(2))));
            changed = true;
        }
        m.appendTail(sb);
        String s = sb.toString();
        if (s.indexOf('左') >= 0 || s.indexOf('右') >= 0) {
            char[] c = s.toCharArray();
            for (int i = 0; i < c.length; i++) {
                if (c[i] == '左') { c[i] = '右'; changed = true; }
                else if (c[i] == '右') { c[i] = '左'; changed = true; }
            }
            s = new String(c);
        }
        return changed ? s : null;
    }
}
