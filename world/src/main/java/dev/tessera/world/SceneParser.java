package dev.tessera.world;

import dev.tessera.world.SceneSpec.Event;
import dev.tessera.world.SceneSpec.Rel;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.SceneSpec.Worn;
import dev.tessera.world.Vocab.CameraMove;
import dev.tessera.world.Vocab.Category;
import dev.tessera.world.Vocab.Clothing;
import dev.tessera.world.Vocab.Colour;
import dev.tessera.world.Vocab.Direction;
import dev.tessera.world.Vocab.EventKind;
import dev.tessera.world.Vocab.Kind;
import dev.tessera.world.Vocab.Material;
import dev.tessera.world.Vocab.Motion;
import dev.tessera.world.Vocab.Particle;
import dev.tessera.world.Vocab.Relation;
import dev.tessera.world.Vocab.Setting;
import dev.tessera.world.Vocab.Size;
import dev.tessera.world.Vocab.Term;
import dev.tessera.world.Vocab.TimeOfDay;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prompt -> scene parser for the world's vocabulary, English and Chinese (mixed text works too). Text is cut into
 * known terms by longest match (Chinese needs no spaces), then read left to right: attributes gather onto the next
 * noun, verbs attach to the clause's last noun, relations join the nouns around them ("X to the left of Y",
 * "X在Y的左边"), events find the thing in their clause they can happen to, "first ... then ..." orders events.
 *
 * <p>Nothing is silently ignored: a word outside the vocabulary, the function words and the style words raises a
 * {@link ParseException} naming every unknown word with its nearest known terms; an adjective with no noun, a verb
 * with no subject or two conflicting settings/camera moves are errors too. Style words ("stylish", "cinematic") are
 * recognised and kept in {@link SceneSpec#style()} but state no checkable fact.
 */
public final class SceneParser {
    private SceneParser() {}

    /** Bad prompt: the message is one line naming the problem. */
    public static final class ParseException extends IllegalArgumentException {
        public ParseException(String msg) { super(msg); }
    }

    enum T { KIND, COLOUR, SIZE, MATERIAL, MOTION, DIRECTION, RELATION, EVENT, CAMERA, SETTING, TIME, PARTICLE, CLOTHING,
        NUM, INDEF, DEF, ORDER, PRON_PERSON, PRON_THING, ZAI, STYLE, FILLER, SENT, COMMA }

    record Tok(T type, Object value, String text, boolean plural) {
        Tok(T type, Object value) { this(type, value, null, false); }
        Tok with(String text, boolean plural) { return new Tok(type, value, text, plural); }
    }

    // ---- lexicon -----------------------------------------------------------------------------------------------
    static final Map<String, List<Tok>> EN = new HashMap<>(), ZH = new HashMap<>();
    static int enMaxWords = 1, zhMaxLen = 1;

    static final String EN_FILLER = "the|is|are|was|were|be|being|it is|there is|there are|there|of|in|on|at|with|and|to|that|which|its|into|onto|over|"
            + "across|down|up|about|around|while|by|from|as|then the|filled|full|wears|wear|wearing|is wearing|carries|carrying|holds|holding|dressed in|"
            + "creating|through|inside|along|has|have|we|see|can|each other|one another|video|clip|footage|scene|shot|view|camera|floor|ground|air|"
            + "takes place|take place|place|wall|on the wall|this|these|those|while|under|above|near|next|also|very|both|where|here|lies|sits|stands|"
            + "creates|capturing|captures|showing|shows|of the|nearby|just|who|whose|their own|looking|setting|in a row|stand in a row|stands in a row|stay still|stays|row of|a row of|line of|a line of|stand|every";
    static final String EN_STYLE = "stylish|fashionable|elegant|warm|glowing|neon|animated|city signage|signage|signs|sign|colorful|colourful|lights|light|"
            + "confidently|casually|reflective|damp|mirror|effect|beautiful|cinematic|photorealistic|realistic|closeup|close-up|close up|detailed|highly|"
            + "soft|gentle|gently|slowly|quickly|smoothly|vivid|bright|dramatic|calm|quiet|lively|festive|chinese|lunar|new year|celebration|celebrating|"
            + "celebrate|long|wooly|woolly|fur|furry|lightly|blows|blowing|wind|in the wind|snow covered|snow-covered|snow capped|snow-capped|trees|"
            + "mountains|in the distance|distance|mid|wispy|clouds|sun|high|glow|low|stunning|photography|depth of field|lighting|sharp|focus|4k|hd|"
            + "shadows|crisp|natural|playful|happy|busy|tiny details|sparkling|shimmering|steam|rising|steaming|gleaming|traditional|"
            + "colours|colors|shallow|reflect|reflections|reflected|glow|wet|surface|ripples|sea|sparkles|horizon|backdrop|plain|wooden|catches|"
            + "atmosphere|mood|calmly|vibrant|every detail|crisp detail|rise|rises|shimmer|line";
    static final String EN_PRON_PERSON = "she|he|her|him|his";
    static final String EN_PRON_THING = "it|they|them|their";
    static final String EN_INDEF = "a|an|some";
    static final String EN_DEF = "the|this|that";
    static final String EN_FIRST = "first|at first|to begin with|first of all";
    static final String EN_THEN = "then|next|after that|afterwards|and then|finally|later|after this";
    static final Map<String, Integer> EN_NUM = Map.ofEntries(Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4),
            Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("a pair of", 2), Map.entry("several", 3),
            Map.entry("a few", 3), Map.entry("many", 5), Map.entry("lots of", 5), Map.entry("a crowd of", 5), Map.entry("a group of", 4),
            Map.entry("2", 2), Map.entry("3", 3), Map.entry("4", 4), Map.entry("5", 5));

    static final String ZH_FILLER = "的|在|上|里|中|和|与|以及|还有|是|着|了|地|得|把|被|都|到处都是|身穿|穿着|手拿|拿着|戴着|涂着|而|且|形成|也|正在|"
            + "一起|互相|旁边|之间|画面中|画面里|场景|镜头里|视频|可以看到|看到|有|它们的|她的|他的|它的|里面|面上|之中|时|同时|并且|还|从|向|墙上|镜头|摄像机|"
            + "发生在|场景是|时间是|背景是|排成一排|下";
    static final String ZH_STYLE = "时尚|时髦|暖色调|霓虹灯|霓虹|动画|城市标志|标志|自信|随意|潮湿|反光|五颜六色的|五颜六色|灯光|镜面效果|镜面|效果|"
            + "庆祝|中国新年|春节|新年|农历新年|逼真的|逼真|特写|电影感十足|电影感|光线柔和|柔和|细节丰富|细节|美丽的|美丽|缓缓地|缓缓|慢慢地|慢慢|"
            + "快速地|快速|远处|白雪覆盖的|树木|雄伟的|雪山|长长的|毛发|随风飘动|温暖的|阳光|热闹的|热闹|喜庆|传统|画面|光线|清晰|明亮的|明亮|轻轻地|轻轻|"
            + "温暖|色彩鲜艳|浅景深|闪烁|倒影|表面|泛起涟漪|大海|波光粼粼|背景|简洁|木质|泛着光泽|氛围";
    static final String ZH_PRON_PERSON = "她|他";
    static final String ZH_PRON_THING = "它|它们|他们|她们";
    static final String ZH_FIRST = "首先|先|一开始|起初";
    static final String ZH_THEN = "然后|接着|之后|随后|最后|再|紧接着";
    static final String ZH_MANY = "许多|很多|好多|一群|一些|几";

    static {
        addTerms(Kind.values(), T.KIND); addTerms(Colour.values(), T.COLOUR); addTerms(Size.values(), T.SIZE);
        addTerms(Material.values(), T.MATERIAL); addTerms(Motion.values(), T.MOTION); addTerms(Direction.values(), T.DIRECTION);
        addTerms(Relation.values(), T.RELATION); addTerms(EventKind.values(), T.EVENT); addTerms(CameraMove.values(), T.CAMERA);
        addTerms(Setting.values(), T.SETTING); addTerms(TimeOfDay.values(), T.TIME); addTerms(Particle.values(), T.PARTICLE);
        addTerms(Clothing.values(), T.CLOTHING);
        // "approach" is walking toward the camera
        EN.put("approach", List.of(new Tok(T.MOTION, Motion.WALK), new Tok(T.DIRECTION, Direction.TOWARD)));
        EN.put("approaches", List.of(new Tok(T.MOTION, Motion.WALK), new Tok(T.DIRECTION, Direction.TOWARD)));
        words(EN, EN_FILLER, T.FILLER); words(EN, EN_STYLE, T.STYLE);
        words(EN, EN_PRON_PERSON, T.PRON_PERSON); words(EN, EN_PRON_THING, T.PRON_THING);
        words(EN, EN_INDEF, T.INDEF); putIfAbsent(EN, "the", new Tok(T.DEF, null));
        EN.put("the", List.of(new Tok(T.DEF, null))); EN.put("this", List.of(new Tok(T.DEF, null)));
        for (String f : EN_FIRST.split("\\|")) EN.put(f, List.of(new Tok(T.ORDER, 0)));
        for (String f : EN_THEN.split("\\|")) EN.put(f, List.of(new Tok(T.ORDER, 1)));
        EN_NUM.forEach((k, v) -> EN.put(k, List.of(new Tok(T.NUM, v))));
        words(ZH, ZH_FILLER, T.FILLER); words(ZH, ZH_STYLE, T.STYLE);
        words(ZH, ZH_PRON_PERSON, T.PRON_PERSON); words(ZH, ZH_PRON_THING, T.PRON_THING);
        ZH.put("在", List.of(new Tok(T.ZAI, null))); ZH.put("位于", List.of(new Tok(T.ZAI, null)));
        ZH.put("这个", List.of(new Tok(T.DEF, null))); ZH.put("那个", List.of(new Tok(T.DEF, null)));
        for (String f : ZH_FIRST.split("\\|")) ZH.put(f, List.of(new Tok(T.ORDER, 0)));
        for (String f : ZH_THEN.split("\\|")) ZH.put(f, List.of(new Tok(T.ORDER, 1)));
        for (String f : ZH_MANY.split("\\|")) ZH.put(f, List.of(new Tok(T.NUM, f.equals("几") || f.equals("一些") ? 3 : 5)));
        String nums = "一两二三四五六七八";
        String measures = "个只颗块艘位盏根座片条头道辆张排群些";
        for (int i = 0; i < nums.length(); i++) {
            int n = i == 0 ? 1 : i == 1 || i == 2 ? 2 : i;
            for (int m = 0; m < measures.length(); m++) {
                String key = "" + nums.charAt(i) + measures.charAt(m);
                if (ZH.containsKey(key)) continue;
                ZH.put(key, List.of(n == 1 ? new Tok(T.INDEF, null) : new Tok(T.NUM, n)));
            }
            if (i > 0) ZH.putIfAbsent("" + nums.charAt(i), List.of(new Tok(T.NUM, n)));
        }
        ZH.put("几头", List.of(new Tok(T.NUM, 3))); ZH.put("几只", List.of(new Tok(T.NUM, 3))); ZH.put("几个", List.of(new Tok(T.NUM, 3)));
        ZH.put("一群", List.of(new Tok(T.NUM, 5)));
        for (String k : EN.keySet()) enMaxWords = Math.max(enMaxWords, k.split(" ").length);
        for (String k : ZH.keySet()) zhMaxLen = Math.max(zhMaxLen, k.length());
    }

    private static void putIfAbsent(Map<String, List<Tok>> m, String k, Tok t) { m.putIfAbsent(k, List.of(t)); }

    private static void addTerms(Term[] terms, T type) {
        for (Term t : terms) {
            for (String s : t.en()) EN.putIfAbsent(s, List.of(new Tok(type, t)));
            for (String s : t.zh()) ZH.putIfAbsent(s, List.of(new Tok(type, t)));
        }
    }

    private static void words(Map<String, List<Tok>> m, String list, T type) {
        for (String w : list.split("\\|")) m.putIfAbsent(w, List.of(new Tok(type, w)));
    }

    static final Map<String, String> IRREGULAR = Map.of("people", "person", "women", "woman", "men", "man", "passers-by", "passer-by",
            "children", "child", "glasses", "glass", "boxes", "box", "dresses", "dress");

    static String singular(String w) {
        if (IRREGULAR.containsKey(w)) return IRREGULAR.get(w);
        if (w.endsWith("es") && EN.containsKey(w.substring(0, w.length() - 2))) return w.substring(0, w.length() - 2);
        if (w.endsWith("s") && w.length() > 2) return w.substring(0, w.length() - 1);
        return null;
    }

    // ---- tokenizer ---------------------------------------------------------------------------------------------
    static boolean cjk(char c) { return c >= 0x3400 && c <= 0x9fff; }

    static List<Tok> tokenize(String text) {
        List<Tok> out = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        String s = text.toLowerCase(Locale.ROOT).replace('’', '\'');
        int i = 0, n = s.length();
        List<String> words = new ArrayList<>();
        while (i < n) {
            char c = s.charAt(i);
            if (cjk(c)) {
                flushWords(words, out, unknown);
                int j = i;
                StringBuilder bad = new StringBuilder();
                while (j < n && cjk(s.charAt(j))) {
                    int best = 0;
                    for (int len = Math.min(zhMaxLen, n - j); len >= 1; len--) if (ZH.containsKey(s.substring(j, j + len))) { best = len; break; }
                    if (best == 0) { bad.append(s.charAt(j)); j++; continue; }
                    if (!bad.isEmpty()) { unknown.add(bad.toString()); bad.setLength(0); }
                    String key = s.substring(j, j + best);
                    for (Tok t : ZH.get(key)) out.add(t.with(key, false));
                    j += best;
                }
                if (!bad.isEmpty()) unknown.add(bad.toString());
                i = j;
            } else if (Character.isLetterOrDigit(c) || c == '\'' || c == '-') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '\'' || s.charAt(j) == '-') && !cjk(s.charAt(j))) j++;
                String w = s.substring(i, j).replaceAll("^[-']+|[-']+$", "");
                if (w.endsWith("'s")) w = w.substring(0, w.length() - 2);
                if (!w.isEmpty()) words.add(w);
                i = j;
            } else if (Character.isWhitespace(c) && c != '\n') {
                i++;
            } else {
                flushWords(words, out, unknown);
                if (".!?;。！？；\n".indexOf(c) >= 0) out.add(new Tok(T.SENT, null, String.valueOf(c), false));
                else if (",，、:：".indexOf(c) >= 0) out.add(new Tok(T.COMMA, null, String.valueOf(c), false));
                i++;
            }
        }
        flushWords(words, out, unknown);
        if (!unknown.isEmpty()) throw new ParseException(unknownMessage(unknown));
        return out;
    }

    private static void flushWords(List<String> words, List<Tok> out, Set<String> unknown) {
        int i = 0;
        while (i < words.size()) {
            int best = 0;
            List<Tok> toks = null;
            boolean plural = false;
            for (int len = Math.min(enMaxWords, words.size() - i); len >= 1 && toks == null; len--) {
                String key = String.join(" ", words.subList(i, i + len));
                if (EN.containsKey(key)) { toks = EN.get(key); best = len; break; }
                String orig = words.get(i + len - 1);
                String last = singular(orig);
                // "dragon dances" is a dragon that dances, not two dragon dances: a known verb is not a plural noun
                List<Tok> asWord = EN.get(orig);
                boolean verb = asWord != null && asWord.getFirst().type() != T.KIND && asWord.getFirst().type() != T.CLOTHING;
                if (last != null && !verb) {
                    List<String> sub = new ArrayList<>(words.subList(i, i + len - 1));
                    sub.add(last);
                    List<Tok> t = EN.get(String.join(" ", sub));
                    if (t != null && t.size() == 1 && (t.getFirst().type() == T.KIND || t.getFirst().type() == T.CLOTHING)) { toks = t; best = len; plural = true; }
                }
            }
            if (toks == null) {
                String w = words.get(i);
                if (w.contains("-")) { // try the parts of a hyphenated word
                    List<String> parts = List.of(w.split("-"));
                    List<String> rest = new ArrayList<>(parts);
                    rest.addAll(words.subList(i + 1, words.size()));
                    List<String> head = new ArrayList<>(words.subList(0, i));
                    words.clear(); words.addAll(head); words.addAll(rest);
                    continue;
                }
                unknown.add(w);
                i++;
                continue;
            }
            String text = String.join(" ", words.subList(i, i + best));
            for (Tok t : toks) out.add(t.with(text, plural));
            i += best;
        }
        words.clear();
    }

    static String unknownMessage(Set<String> unknown) {
        StringBuilder sb = new StringBuilder(unknown.size() == 1 ? "unknown word " : "unknown words ");
        int k = 0;
        for (String u : unknown) {
            if (k++ > 0) sb.append("; ");
            sb.append('"').append(u).append("\" (nearest known: ");
            List<String> near = nearest(u, 3);
            for (int i = 0; i < near.size(); i++) sb.append(i > 0 ? ", " : "").append('"').append(near.get(i)).append('"');
            sb.append(')');
        }
        return sb.toString();
    }

    /** Known terms closest to {@code w} by edit distance (same script only). */
    public static List<String> nearest(String w, int k) {
        boolean zh = cjk(w.charAt(0));
        Map<String, List<Tok>> m = zh ? ZH : EN;
        return m.keySet().stream()
                .sorted(Comparator.<String>comparingInt(x -> score(w, x)).thenComparingInt(String::length).thenComparing(x -> x))
                .limit(k).toList();
    }

    /** Distance to a term, or to one word of a multi-word term ("rihgt" is near "from left to right"). */
    static int score(String w, String key) {
        int best = 2 * distance(w, key);
        if (key.indexOf(' ') > 0) for (String part : key.split(" ")) if (part.length() > 2) best = Math.min(best, 2 * distance(w, part) + 1);
        return best;
    }

    /** Optimal string alignment distance: edits plus adjacent transpositions ("rihgt" -> "right" is 1). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++)
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + c);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        return d[a.length()][b.length()];
    }

    // ---- reader ------------------------------------------------------------------------------------------------
    /** Mutable thing under construction. */
    static final class B {
        final int id; final Kind kind; int count;
        Colour colour; Size size; Material material;
        final List<Motion> motions = new ArrayList<>();
        Direction direction;
        final List<Worn> clothing = new ArrayList<>();
        B(int id, Kind kind, int count) { this.id = id; this.kind = kind; this.count = count; }
    }

    /**
     * Parses a prompt into a scene program. Unspecified details stay null; {@link SceneSpec#resolve(long)} (called
     * by the renderer) draws them from the seed, which is also why the seed is an argument here.
     */
    public static SceneSpec parse(String prompt, long seed) {
        if (prompt == null || prompt.isBlank()) throw new ParseException("empty prompt");
        return new Reader(tokenize(prompt)).read();
    }

    static final class Reader {
        final List<Tok> toks;
        final List<B> things = new ArrayList<>();
        final List<Rel> rels = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        final List<Particle> particles = new ArrayList<>();
        final List<String> style = new ArrayList<>();
        Setting setting; TimeOfDay time; CameraMove camera; int trackId = -1; boolean trackPending;
        // pending noun-phrase attributes
        Colour pColour; Size pSize; Material pMaterial; Integer pCount; boolean pIndef, pDef; String pText;
        // clause state
        final List<Integer> clause = new ArrayList<>();
        int zaiAt = -1;
        Relation pendingRel; int relSubject = -1;
        final List<EventKind> pendingEvents = new ArrayList<>();
        Direction pendingDir; Motion lastMotion; int lastMotionSubject = -1;
        Motion pendingMotion;
        int lastThing = -1, lastPerson = -1;

        Reader(List<Tok> toks) { this.toks = toks; }

        SceneSpec read() {
            for (int i = 0; i < toks.size(); i++) {
                Tok t = toks.get(i);
                switch (t.type()) {
                    case KIND -> {
                        Kind k = (Kind) t.value();
                        if (k == Kind.GLASS && i + 1 < toks.size() && toks.get(i + 1).type() == T.KIND) { setMaterial(Material.GLASS, t); continue; }
                        noun(k, t);
                    }
                    case COLOUR -> {
                        if (pColour != null && pColour != t.value()) throw new ParseException("two colours (" + pColour.id() + ", " + ((Colour) t.value()).id() + ") for one thing near \"" + t.text() + "\"");
                        pColour = (Colour) t.value(); mark(t);
                    }
                    case SIZE -> { pSize = (Size) t.value(); mark(t); }
                    case MATERIAL -> setMaterial((Material) t.value(), t);
                    case NUM -> { pCount = (Integer) t.value(); mark(t); }
                    case INDEF -> pIndef = true;
                    case DEF -> { pIndef = false; pDef = true; }
                    case CLOTHING -> wear((Clothing) t.value(), t);
                    case MOTION -> motion((Motion) t.value(), t);
                    case DIRECTION -> direction((Direction) t.value(), t);
                    case RELATION -> relation((Relation) t.value(), t);
                    case EVENT -> { checkDangling(); pendingEvents.add((EventKind) t.value()); }
                    case CAMERA -> {
                        CameraMove c = (CameraMove) t.value();
                        if (camera != null && camera != c) throw new ParseException("two camera moves (" + camera.id() + ", " + c.id() + "): one move per clip");
                        camera = c;
                        if (c == CameraMove.TRACKING) trackPending = true;
                    }
                    case SETTING -> {
                        Setting s = (Setting) t.value();
                        if (setting != null && setting != s) throw new ParseException("two settings (" + setting.id() + ", " + s.id() + ")");
                        setting = s; clearArticle();
                    }
                    case TIME -> {
                        TimeOfDay d = (TimeOfDay) t.value();
                        if (time != null && time != d) throw new ParseException("two times of day (" + time.id() + ", " + d.id() + ")");
                        time = d;
                    }
                    case PARTICLE -> { if (!particles.contains((Particle) t.value())) particles.add((Particle) t.value()); clearArticle(); }
                    case PRON_PERSON -> { int p = lastPerson >= 0 ? lastPerson : lastThing; if (p >= 0) refer(p); }
                    case PRON_THING -> { if (lastThing >= 0) refer(lastThing); }
                    case ZAI -> zaiAt = clause.size();
                    case ORDER, SENT, COMMA -> endClause();
                    case STYLE -> { if (!style.contains(t.text())) style.add(t.text()); }
                    case FILLER -> {}
                }
            }
            endClause();
            List<Thing> ts = new ArrayList<>();
            for (B b : things) ts.add(new Thing(b.id, b.kind, b.count, b.colour, b.size, b.material, b.motions, b.direction, b.clothing));
            if (camera == CameraMove.TRACKING && trackId < 0) trackId = lastMotionSubject;
            return new SceneSpec(setting, time, ts, rels, events, camera, trackId, particles, style);
        }

        void mark(Tok t) { pText = pText == null ? t.text() : pText + " " + t.text(); }

        void setMaterial(Material m, Tok t) { pMaterial = m; mark(t); }

        void clearArticle() { pIndef = false; pDef = false; }

        void refer(int id) {
            clause.add(id);
            afterNoun(id);
        }

        void noun(Kind k, Tok t) {
            int count = pCount != null ? pCount : t.plural() ? (k.category == Category.CROWD ? 5 : 2) : 1;
            if (k == Kind.DOMINO) count = 1; // one row of dominoes
            if (count > 12) throw new ParseException("at most 12 of one thing, got " + count);
            int id = -1;
            // "a"/"two" make a new thing; "the ships" refers back; a bare plural ("ships") is new
            boolean fresh = pIndef || pCount != null || t.plural() && !pDef && k != Kind.DOMINO;
            if (!fresh) {
                for (int j = things.size() - 1; j >= 0; j--) {
                    B b = things.get(j);
                    if (b.kind == k && (pColour == null || pColour == b.colour) && (pSize == null || b.size == null || pSize == b.size)) { id = j; break; }
                }
            }
            if (id >= 0 && fresh) id = -1;
            B b;
            if (id < 0) {
                b = new B(things.size(), k, count);
                things.add(b);
                id = b.id;
            } else b = things.get(id);
            if (pColour != null) b.colour = pColour;
            if (pSize != null) b.size = pSize;
            if (pMaterial != null) b.material = pMaterial;
            pColour = null; pSize = null; pMaterial = null; pCount = null; pIndef = false; pDef = false; pText = null;
            clause.add(id);
            lastThing = id;
            if (k.category == Category.PERSON) lastPerson = id;
            afterNoun(id);
        }

        void afterNoun(int id) {
            if (pendingRel != null && relSubject >= 0 && relSubject != id) {
                rels.add(new Rel(relSubject, pendingRel, id));
                pendingRel = null; relSubject = -1;
            }
            if (trackPending) { trackId = id; trackPending = false; }
            if (pendingMotion != null) { addMotion(id, pendingMotion); pendingMotion = null; }
        }

        void wear(Clothing c, Tok t) {
            int p = lastPerson;
            if (p < 0) throw new ParseException("\"" + t.text() + "\" is clothing but no person is mentioned before it");
            things.get(p).clothing.add(new Worn(c, pColour, pMaterial));
            pColour = null; pMaterial = null; pSize = null; pCount = null; pIndef = false; pDef = false; pText = null;
        }

        int subject() { return clause.isEmpty() ? -1 : clause.getLast(); }

        void motion(Motion m, Tok t) {
            checkDangling();
            int s = subject();
            if (s < 0) {
                if (pendingMotion != null) throw new ParseException("\"" + t.text() + "\" has no subject");
                pendingMotion = m; // Chinese word order: 滚动的红球
                return;
            }
            addMotion(s, m);
        }

        void addMotion(int s, Motion m) {
            B b = things.get(s);
            if (m == Motion.FALL && b.kind == Kind.DOMINO) {
                // "the dominoes fall": a row of dominoes falls only as a chain (the stage has no other fall for it),
                // so this is the chain event, never a motion the clip would not show
                for (Event ev : events) if (ev.kind() == EventKind.DOMINO_CHAIN && ev.subject() == s) return;
                events.add(new Event(EventKind.DOMINO_CHAIN, s, -1));
                return;
            }
            if (!b.motions.contains(m)) b.motions.add(m);
            lastMotion = m; lastMotionSubject = s;
            if (pendingDir != null) { b.direction = pendingDir; pendingDir = null; }
        }

        void direction(Direction d, Tok t) {
            if (lastMotionSubject >= 0 && clause.contains(lastMotionSubject)) things.get(lastMotionSubject).direction = d;
            else pendingDir = d;
        }

        void relation(Relation r, Tok t) {
            checkDangling();
            if (zaiAt >= 1 && clause.size() > zaiAt) { // X 在 Y 的 左边
                rels.add(new Rel(clause.get(zaiAt - 1), r, clause.getLast()));
                zaiAt = -1;
                return;
            }
            int s = subject();
            if (s < 0) throw new ParseException("\"" + t.text() + "\" does not follow a thing it could describe");
            pendingRel = r; relSubject = s;
        }

        void checkDangling() {
            if (pColour != null || pSize != null || pMaterial != null || pCount != null)
                throw new ParseException("\"" + pText + "\" does not describe any thing (no noun follows it)");
        }

        void endClause() {
            checkDangling();
            for (EventKind e : pendingEvents) resolveEvent(e);
            pendingEvents.clear();
            if (pendingRel != null) throw new ParseException("relation \"" + pendingRel.id().replace('_', ' ') + "\" is missing the thing it relates to");
            if (pendingMotion != null) throw new ParseException("motion \"" + pendingMotion.id() + "\" has no subject");
            if (pendingDir != null) throw new ParseException("direction \"" + pendingDir.id().replace('_', ' ') + "\" has no moving thing");
            clause.clear(); zaiAt = -1; pIndef = false; pDef = false;
        }

        void resolveEvent(EventKind e) {
            int subject = -1;
            for (int id : clause) if (e.accepts(things.get(id).kind)) subject = id;
            if (subject < 0) for (int j = things.size() - 1; j >= 0 && subject < 0; j--) if (e.accepts(things.get(j).kind) && j == lastThing) subject = j;
            if (subject < 0) throw new ParseException("event \"" + e.word(Lang.EN) + "\" needs " + needs(e) + " in the same clause");
            int agent = -1;
            if (e == EventKind.KNOCK) for (int id : clause) if (id != subject && agent < 0) agent = id;
            // "the ball pushes the dominoes": a shape in the clause starts the chain by rolling into it
            if (e == EventKind.DOMINO_CHAIN) for (int id : clause) if (id != subject && agent < 0 && things.get(id).kind.isShape()) agent = id;
            for (Event ev : events) if (ev.kind() == e && ev.subject() == subject) return;
            events.add(new Event(e, subject, agent));
        }

        static String needs(EventKind e) {
            return switch (e) {
                case BITE -> "a cookie or an apple"; case SHATTER -> "a glass"; case POP -> "a balloon"; case LAMP_ON -> "a lamp";
                case PAINT -> "a paint stroke"; case FOOTPRINTS -> "a person or an animal"; case DOMINO_CHAIN -> "dominoes"; case KNOCK -> "a block tower";
            };
        }
    }
}
