package dev.tessera.world;

import dev.tessera.world.SceneSpec.Event;
import dev.tessera.world.SceneSpec.Rel;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.SceneSpec.Worn;
import dev.tessera.world.Vocab.CameraMove;
import dev.tessera.world.Vocab.Category;
import dev.tessera.world.Vocab.Kind;
import dev.tessera.world.Vocab.Motion;
import dev.tessera.world.Vocab.Term;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Bilingual captions generated from the scene program, so every fact they state is true by construction. Variety
 * comes from several templates per fact, synonyms, sentence order, optional details (size, material, time of day,
 * style words) and two lengths: a short prompt and a long Sora-style description. Every caption parses back with
 * {@link SceneParser} to the same core facts (tested).
 */
public final class Captioner {
    private Captioner() {}

    public enum Length { SHORT, LONG }

    /** A caption of random length. The spec must be resolved ({@link SceneSpec#resolve(long)}). */
    public static String caption(SceneSpec spec, Lang lang, Random rnd) {
        return caption(spec, lang, rnd, rnd.nextInt(3) == 0 ? Length.LONG : Length.SHORT);
    }

    public static String caption(SceneSpec spec, Lang lang, Random rnd, Length length) {
        if (spec.setting() == null || spec.camera() == null)
            throw new IllegalArgumentException("caption a resolved scene (SceneSpec.resolve(seed)): setting or camera is unspecified");
        return lang == Lang.EN ? new En(spec, rnd, length).build() : new Zh(spec, rnd, length).build();
    }

    static <T> T pick(Random r, List<T> l) { return l.get(r.nextInt(l.size())); }

    /** A paint stroke that gets painted is introduced by its event sentence ("a blue paint stroke appears on the wall"). */
    static boolean introducedByEvent(SceneSpec s, Thing t) {
        return t.kind() == Kind.PAINT_STROKE && s.events().stream().anyMatch(e -> e.subject() == t.id());
    }

    static String word(Term t, Lang lang, Random r) { return pick(r, lang == Lang.EN ? t.en() : t.zh()); }

    // ---- English ---------------------------------------------------------------------------------------------------
    static final class En {
        final SceneSpec s; final Random r; final Length len;
        final Set<Integer> mentioned = new HashSet<>();
        En(SceneSpec s, Random r, Length len) { this.s = s; this.r = r; this.len = len; }

        boolean details() { return len == Length.LONG || r.nextInt(3) == 0; }

        static String plural(String w) {
            int sp = w.lastIndexOf(' ');
            String head = sp < 0 ? "" : w.substring(0, sp + 1), last = sp < 0 ? w : w.substring(sp + 1);
            String p = switch (last) {
                case "person" -> "people"; case "woman" -> "women"; case "man" -> "men"; case "child" -> "children";
                case "passer-by" -> "passers-by"; case "domino" -> "dominoes";
                default -> last.endsWith("s") || last.endsWith("x") || last.endsWith("ch") || last.endsWith("sh") ? last + "es" : last + "s";
            };
            return head + p;
        }

        static final String[] NUM = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight"};

        String np(Thing t) {
            boolean first = mentioned.add(t.id());
            StringBuilder sb = new StringBuilder();
            boolean det = details();
            List<String> adj = new ArrayList<>();
            if (det && t.size() != null && t.kind().hasColour()) adj.add(word(t.size(), Lang.EN, r));
            if (t.colour() != null && t.kind().hasColour()) adj.add(word(t.colour(), Lang.EN, r));
            if (det && t.material() != null && t.kind().isShape()) adj.add(word(t.material(), Lang.EN, r));
            String kind;
            if (t.kind() == Kind.DOMINO) kind = "dominoes";
            else if (t.count() > 1) kind = plural(t.kind().en().getFirst());
            else kind = pick(r, t.kind().en().stream().filter(w -> !w.equals("mammal") || !first).toList());
            String body = String.join(" ", adj) + (adj.isEmpty() ? "" : " ") + kind;
            if (!first) return "the " + body;
            if (t.kind() == Kind.DOMINO) return body;
            if (t.count() > 1) return (t.count() == 5 && r.nextBoolean() ? "many" : NUM[Math.min(8, t.count())]) + " " + body;
            return ("aeiou".indexOf(body.charAt(0)) >= 0 ? "an " : "a ") + body;
        }

        boolean pluralSubject(Thing t) { return t.count() > 1 || t.kind() == Kind.DOMINO; }

        String verb(Motion m, boolean plural) {
            return switch (m) {
                case ROLL -> plural ? "roll" : pick(r, List.of("rolls", "is rolling"));
                case SLIDE -> plural ? "slide" : pick(r, List.of("slides", "glides"));
                case BOUNCE -> plural ? "bounce" : pick(r, List.of("bounces", "is bouncing"));
                case FALL -> plural ? "fall" : pick(r, List.of("falls", "drops"));
                case SPIN -> plural ? "spin" : pick(r, List.of("spins", "rotates"));
                case WALK -> plural ? "walk" : pick(r, List.of("walks", "strolls", "is walking"));
                case RUN -> plural ? "run" : pick(r, List.of("runs", "is running"));
                case JUMP -> plural ? "jump" : pick(r, List.of("jumps", "hops"));
                case WAVE -> plural ? "wave" : "waves";
                case TURN -> plural ? "turn around" : "turns around";
                case DANCE -> plural ? "dance" : pick(r, List.of("dances", "weaves"));
                case FLOAT -> plural ? pick(r, List.of("float", "sail", "bob")) : pick(r, List.of("floats", "sails", "bobs"));
                case BATTLE -> plural ? pick(r, List.of("battle", "fight")) : pick(r, List.of("battles", "fights"));
                case STILL -> plural ? "stay still" : pick(r, List.of("rests", "stays still", "sits still"));
            };
        }

        String build() {
            List<String> intro = new ArrayList<>();
            for (Thing t : s.things()) if (!introducedByEvent(s, t)) intro.add(introduce(t)); // its event sentence introduces it
            if (r.nextBoolean()) java.util.Collections.shuffle(intro, r);
            List<String> out = new ArrayList<>();
            String setting = settingPhrase();
            boolean settingFirst = r.nextBoolean();
            if (settingFirst) out.add(cap(setting) + ".");
            out.addAll(intro);
            for (Thing t : s.things())
                if (!t.clothing().isEmpty()) out.add(cap(np(t)) + " " + pick(r, List.of("wears", "is wearing", "is dressed in")) + " " + clothes(t.clothing()) + ".");
            for (Rel rel : s.relations()) out.add(relation(rel));
            for (int i = 0; i < s.events().size(); i++) out.add(event(s.events().get(i), i));
            if (!s.particles().isEmpty()) for (Vocab.Particle p : s.particles()) out.add(cap(particle(p)) + ".");
            String cam = camera();
            // a tracking shot names its subject, so it comes after the subject is introduced
            if (cam != null) { if (r.nextBoolean() || s.camera() == CameraMove.TRACKING) out.add(cam); else out.add(settingFirst ? 1 : 0, cam); }
            if (!settingFirst) out.add(cap(setting) + ".");
            if (len == Length.LONG) {
                out.add(flavour());
                out.add(pick(r, List.of("The lighting is soft and warm.", "The colours are vivid.", "Shot with a shallow depth of field.", "Every detail is sharp.")));
                out.add(cap(String.join(", ", pickSome(List.of("cinematic", "highly detailed", "soft light", "photorealistic", "beautiful lighting", "depth of field", "sharp focus"), 2))) + ".");
            }
            return String.join(" ", out);
        }

        /** A sentence about the setting's look, in words that state no extra fact. */
        String flavour() {
            return switch (s.setting()) {
                case CITY -> pick(r, List.of("Neon signs glow and reflect on the wet street.", "Colorful neon lights shimmer in the reflections."));
                case COFFEE -> pick(r, List.of("The coffee surface ripples.", "Steam rises gently."));
                case SNOW -> pick(r, List.of("Snow-covered trees and mountains stand in the distance.", "Snow-capped mountains rise in the distance."));
                case BEACH -> "The sea sparkles in the distance.";
                case GRASS -> pick(r, List.of("Trees line the horizon.", "Trees stand in the distance."));
                case STUDIO -> "The backdrop is plain.";
                case TABLE -> "The wooden table top catches the light.";
            };
        }

        List<String> pickSome(List<String> from, int n) {
            List<String> l = new ArrayList<>(from);
            java.util.Collections.shuffle(l, r);
            return l.subList(0, n);
        }

        String introduce(Thing t) {
            Motion m = t.motion();
            String np = np(t);
            if (m == null || m == Motion.STILL) {
                return switch (r.nextInt(3)) {
                    case 0 -> (pluralSubject(t) ? "There are " : "There is ") + np + ".";
                    case 1 -> cap(np) + " " + verb(Motion.STILL, pluralSubject(t)) + ".";
                    default -> cap(np) + (t.kind() == Kind.DOMINO ? " stand in a row." : " " + (pluralSubject(t) ? "are" : "is") + " " + pick(r, List.of("here", "in view")) + ".");
                };
            }
            StringBuilder sb = new StringBuilder();
            String dir = t.direction() != null ? word(t.direction(), Lang.EN, r) : null;
            String v = verb(m, pluralSubject(t));
            if (dir != null && r.nextInt(4) == 0) sb.append(cap(dir)).append(' ').append(np).append(' ').append(v);
            else {
                sb.append(cap(np)).append(' ').append(v);
                if (dir != null) sb.append(' ').append(dir);
            }
            for (int i = 1; i < t.motions().size(); i++) sb.append(" and ").append(verb(t.motions().get(i), pluralSubject(t)));
            return sb.append('.').toString();
        }

        String clothes(List<Worn> ws) {
            List<String> items = new ArrayList<>();
            for (Worn w : ws) {
                String first = w.item().en().getFirst();
                String item = first.endsWith("s") ? first : word(w.item(), Lang.EN, r);
                String adj = (w.colour() == null ? "" : w.colour().en().getFirst() + " ") + (w.material() == null ? "" : w.material().en().getFirst() + " ");
                boolean pl = List.of("boots", "sunglasses", "shades", "trousers", "pants", "jeans").contains(item);
                items.add((pl || item.equals("lipstick") ? "" : "aeiou".indexOf((adj + item).charAt(0)) >= 0 ? "an " : "a ") + adj + item);
            }
            if (items.size() == 1) return items.getFirst();
            return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
        }

        String relation(Rel rel) {
            Thing a = s.thing(rel.a()), b = s.thing(rel.b());
            Vocab.Relation rr = rel.relation();
            // half the time say it the other way round
            if ((rr == Vocab.Relation.LEFT_OF || rr == Vocab.Relation.RIGHT_OF) && r.nextBoolean()) {
                Thing t = a; a = b; b = t;
                rr = rr == Vocab.Relation.LEFT_OF ? Vocab.Relation.RIGHT_OF : Vocab.Relation.LEFT_OF;
            }
            String na = np(a);
            return cap(na) + " " + (pluralSubject(a) ? "are " : pick(r, List.of("is ", "sits ", "is "))) + word(rr, Lang.EN, r) + " " + np(b) + ".";
        }

        String event(Event e, int i) {
            String order = s.events().size() < 2 ? "" : i == 0 ? pick(r, List.of("First, ", "First ", "At first ")) : pick(r, List.of("Then ", "Then, ", "After that, ", "Next, ", "Finally, "));
            if (i > 0 && i < s.events().size() - 1 && order.startsWith("Finally")) order = "Then ";
            Thing t = s.thing(e.subject());
            String sub = np(t);
            String body = switch (e.kind()) {
                case BITE -> sub + " " + pick(r, List.of("gets bitten", "is bitten"));
                case SHATTER -> sub + " " + pick(r, List.of("falls and shatters", "shatters", "breaks"));
                case POP -> sub + " " + pick(r, List.of("pops", "bursts"));
                case LAMP_ON -> sub + " " + pick(r, List.of("switches on", "turns on", "lights up"));
                case PAINT -> sub + " " + pick(r, List.of("is painted on the wall", "appears on the wall"));
                case FOOTPRINTS -> sub + " " + pick(r, List.of("leaves footprints in the snow", "leaves footprints"));
                case DOMINO_CHAIN -> sub + " " + pick(r, List.of("fall in a chain", "fall one after another", "topple one after another"));
                case KNOCK -> np(s.thing(e.agent())) + " " + pick(r, List.of("knocks over", "knocks down")) + " " + sub;
            };
            return order + (order.isEmpty() ? cap(body) : body) + ".";
        }

        String particle(Vocab.Particle p) {
            return switch (p) {
                case RAIN -> pick(r, List.of("rain falls", "it is raining"));
                case SNOWFALL -> pick(r, List.of("snow falls", "it is snowing"));
                case CONFETTI -> "confetti is in the air";
                case SPLASH -> "there are splashes";
                case SMOKE -> pick(r, List.of("smoke rises", "puffs of smoke"));
            };
        }

        String camera() {
            CameraMove c = s.camera();
            if (c == CameraMove.STATIC && len == Length.SHORT && r.nextBoolean()) return null;
            if (c == CameraMove.TRACKING) {
                Thing t = s.trackId() >= 0 ? s.thing(s.trackId()) : null;
                if (t == null) return "Tracking shot.";
                return pick(r, List.of("The camera follows ", "The camera tracks ", "Tracking shot following ")) + np(t) + ".";
            }
            return cap(pick(r, c.en().stream().filter(w -> w.startsWith("the camera") || c == CameraMove.STATIC).toList())) + ".";
        }

        String settingPhrase() {
            String where = switch (s.setting()) {
                case STUDIO -> pick(r, List.of("on a studio floor", "in a studio"));
                case GRASS -> pick(r, List.of("in a grass field", "on a lawn", "on the grass"));
                case BEACH -> pick(r, List.of("on a sandy beach", "on a beach"));
                case SNOW -> pick(r, List.of("in a snowy meadow", "in a snowy field"));
                case CITY -> pick(r, List.of("on a wet city street", "on a city street"));
                case TABLE -> pick(r, List.of("on a table top", "on a table"));
                case COFFEE -> pick(r, List.of("in a cup of coffee", "inside a coffee cup"));
            };
            boolean time = s.setting().outdoor() && s.time() != null && (len == Length.LONG || r.nextBoolean());
            String when = time ? " " + pick(r, switch (s.time()) {
                case DAY -> List.of("during the day", "in daylight");
                case DUSK -> List.of("at dusk", "at sunset");
                case NIGHT -> List.of("at night");
            }) : "";
            return (len == Length.LONG ? "the scene takes place " : "") + where + when;
        }

        static String cap(String x) { return x.isEmpty() ? x : Character.toUpperCase(x.charAt(0)) + x.substring(1); }
    }

    // ---- Chinese ---------------------------------------------------------------------------------------------------
    static final class Zh {
        final SceneSpec s; final Random r; final Length len;
        final Set<Integer> mentioned = new HashSet<>();
        Zh(SceneSpec s, Random r, Length len) { this.s = s; this.r = r; this.len = len; }

        boolean details() { return len == Length.LONG || r.nextInt(3) == 0; }

        static final String[] NUM = {"零", "一", "两", "三", "四", "五", "六", "七", "八"};

        String np(Thing t) {
            boolean first = mentioned.add(t.id());
            StringBuilder sb = new StringBuilder();
            boolean det = details();
            if (first) {
                if (t.kind() == Kind.DOMINO) sb.append("一排");
                else if (t.count() > 1) sb.append(t.count() == 5 && r.nextBoolean() ? "许多" : NUM[Math.min(8, t.count())] + t.kind().measure());
                else sb.append("一").append(t.kind().measure());
            } else if (r.nextInt(3) == 0 && t.count() == 1) sb.append("那").append("个");
            if (det && t.size() != null && t.kind().hasColour()) sb.append(word(t.size(), Lang.ZH, r));
            if (t.colour() != null && t.kind().hasColour()) sb.append(t.colour().zh().getFirst()).append("的");
            if (det && t.material() != null && t.kind().isShape()) sb.append(t.material().zh().getFirst());
            sb.append(word(t.kind(), Lang.ZH, r));
            return sb.toString();
        }

        String verb(Motion m) {
            return switch (m) {
                case ROLL -> pick(r, List.of("滚动", "滚过")); case SLIDE -> pick(r, List.of("滑动", "滑行")); case BOUNCE -> pick(r, List.of("弹跳", "上下弹跳"));
                case FALL -> pick(r, List.of("落下", "掉落")); case SPIN -> pick(r, List.of("旋转", "转动")); case WALK -> pick(r, List.of("行走", "走路", "散步"));
                case RUN -> pick(r, List.of("奔跑", "跑步")); case JUMP -> pick(r, List.of("跳跃", "跳起来")); case WAVE -> pick(r, List.of("挥手", "招手"));
                case TURN -> pick(r, List.of("转身", "转过身")); case DANCE -> pick(r, List.of("舞动", "起舞")); case FLOAT -> pick(r, List.of("漂浮", "航行"));
                case BATTLE -> pick(r, List.of("互相战斗", "交战")); case STILL -> pick(r, List.of("静止不动", "一动不动"));
            };
        }

        String build() {
            List<String> intro = new ArrayList<>();
            for (Thing t : s.things()) if (!introducedByEvent(s, t)) intro.add(introduce(t));
            if (r.nextBoolean()) java.util.Collections.shuffle(intro, r);
            List<String> out = new ArrayList<>();
            String setting = settingPhrase();
            boolean settingFirst = r.nextBoolean();
            if (settingFirst) out.add(setting + "。");
            out.addAll(intro);
            for (Thing t : s.things())
                if (!t.clothing().isEmpty()) out.add(np(t) + pick(r, List.of("穿着", "身穿")) + clothes(t.clothing()) + "。");
            for (Rel rel : s.relations()) out.add(relation(rel));
            for (int i = 0; i < s.events().size(); i++) out.add(event(s.events().get(i), i));
            for (Vocab.Particle p : s.particles()) out.add(particle(p) + "。");
            String cam = camera();
            if (cam != null) { if (r.nextBoolean() || s.camera() == CameraMove.TRACKING) out.add(cam); else out.add(settingFirst ? 1 : 0, cam); }
            if (!settingFirst) out.add(setting + "。");
            if (len == Length.LONG) {
                out.add(switch (s.setting()) {
                    case CITY -> pick(r, List.of("霓虹灯在潮湿的街道上闪烁，倒影清晰。", "五颜六色的灯光在倒影中闪烁。"));
                    case COFFEE -> "咖啡表面泛起涟漪。";
                    case SNOW -> "远处是白雪覆盖的树木和雪山。";
                    case BEACH -> "远处的大海波光粼粼。";
                    case GRASS -> "远处是树木。";
                    case STUDIO -> "背景简洁。";
                    case TABLE -> "木质桌面在光线下泛着光泽。";
                });
                out.add(pick(r, List.of("光线柔和温暖。", "色彩鲜艳。", "浅景深。")));
                List<String> st = new ArrayList<>(List.of("电影感十足", "光线柔和", "细节丰富", "画面清晰"));
                java.util.Collections.shuffle(st, r);
                out.add(st.get(0) + "，" + st.get(1) + "。");
            }
            return String.join("", out);
        }

        String introduce(Thing t) {
            Motion m = t.motion();
            String np = np(t);
            if (m == null || m == Motion.STILL) {
                return switch (r.nextInt(3)) {
                    case 0 -> "有" + np + "。";
                    case 1 -> np + verb(Motion.STILL) + "。";
                    default -> t.kind() == Kind.DOMINO ? np + "排成一排。" : "画面中有" + np + "。";
                };
            }
            String dir = t.direction() != null ? word(t.direction(), Lang.ZH, r) : "";
            StringBuilder sb = new StringBuilder(np).append(dir).append(verb(m));
            for (int i = 1; i < t.motions().size(); i++) sb.append("并且").append(verb(t.motions().get(i)));
            return sb.append("。").toString();
        }

        String clothes(List<Worn> ws) {
            List<String> items = new ArrayList<>();
            for (Worn w : ws)
                items.add((w.colour() == null ? "" : w.colour().zh().getFirst()) + (w.material() == null ? "" : w.material().zh().getFirst()) + word(w.item(), Lang.ZH, r));
            if (items.size() == 1) return items.getFirst();
            return String.join("、", items.subList(0, items.size() - 1)) + "和" + items.getLast();
        }

        String relation(Rel rel) {
            Thing a = s.thing(rel.a()), b = s.thing(rel.b());
            Vocab.Relation rr = rel.relation();
            if ((rr == Vocab.Relation.LEFT_OF || rr == Vocab.Relation.RIGHT_OF) && r.nextBoolean()) {
                Thing t = a; a = b; b = t;
                rr = rr == Vocab.Relation.LEFT_OF ? Vocab.Relation.RIGHT_OF : Vocab.Relation.LEFT_OF;
            }
            return np(a) + pick(r, List.of("在", "位于")) + np(b) + "的" + word(rr, Lang.ZH, r) + "。";
        }

        String event(Event e, int i) {
            String order = s.events().size() < 2 ? "" : i == 0 ? pick(r, List.of("首先，", "首先", "一开始，")) : pick(r, List.of("然后，", "接着，", "随后", "之后，"));
            Thing t = s.thing(e.subject());
            String sub = np(t);
            String body = switch (e.kind()) {
                case BITE -> sub + pick(r, List.of("被咬了一口", "被咬了一口"));
                case SHATTER -> sub + pick(r, List.of("掉下来摔碎了", "摔碎了"));
                case POP -> sub + pick(r, List.of("爆开了", "爆了", "破了"));
                case LAMP_ON -> sub + pick(r, List.of("亮了起来", "亮了"));
                case PAINT -> sub + pick(r, List.of("被画在墙上", "出现在墙上"));
                case FOOTPRINTS -> sub + pick(r, List.of("在雪地上留下脚印", "留下脚印"));
                case DOMINO_CHAIN -> sub + pick(r, List.of("依次倒下", "接连倒下", "连锁倒下"));
                case KNOCK -> np(s.thing(e.agent())) + pick(r, List.of("撞倒了", "撞翻")) + sub;
            };
            return order + body + "。";
        }

        String particle(Vocab.Particle p) {
            return switch (p) {
                case RAIN -> pick(r, List.of("下着雨", "下雨了")); case SNOWFALL -> pick(r, List.of("下着雪", "下雪了"));
                case CONFETTI -> "空中飘着五彩纸屑"; case SPLASH -> "水花飞溅"; case SMOKE -> pick(r, List.of("烟雾升起", "冒着烟"));
            };
        }

        String camera() {
            CameraMove c = s.camera();
            if (c == CameraMove.STATIC && len == Length.SHORT && r.nextBoolean()) return null;
            if (c == CameraMove.TRACKING) {
                if (s.trackId() < 0) return "跟拍。";
                return pick(r, List.of("镜头跟随", "镜头跟拍")) + np(s.thing(s.trackId())) + "。";
            }
            return pick(r, c.zh()) + "。";
        }

        String settingPhrase() {
            String where = switch (s.setting()) {
                case STUDIO -> pick(r, List.of("在摄影棚里", "在摄影棚地板上"));
                case GRASS -> pick(r, List.of("在草地上", "在草坪上"));
                case BEACH -> pick(r, List.of("在沙滩上", "在海滩上"));
                case SNOW -> pick(r, List.of("在雪地里", "在雪原上"));
                case CITY -> pick(r, List.of("在城市街道上", "在街头"));
                case TABLE -> pick(r, List.of("在桌面上", "在桌子上"));
                case COFFEE -> pick(r, List.of("在一杯咖啡里", "在咖啡杯里"));
            };
            boolean time = s.setting().outdoor() && s.time() != null && (len == Length.LONG || r.nextBoolean());
            String when = time ? pick(r, switch (s.time()) {
                case DAY -> List.of("白天", "晴天");
                case DUSK -> List.of("黄昏", "傍晚");
                case NIGHT -> List.of("夜晚", "晚上");
            }) + "，" : "";
            return when + (len == Length.LONG ? "场景发生在" + where.substring(1) : where);
        }
    }
}
