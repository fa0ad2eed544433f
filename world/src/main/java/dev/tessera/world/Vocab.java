package dev.tessera.world;

import java.util.List;

/**
 * The world's closed vocabulary: every kind of thing, attribute, motion, relation, event, camera move, setting and
 * particle, with its English and Chinese surface forms. The first form of each list is the canonical one; the
 * captioner draws from all of them for variety and the parser accepts all of them. Nothing outside these sets (and
 * the function/style words in {@link SceneParser}) is understood, which is what lets the parser name unknown words.
 */
public final class Vocab {
    private Vocab() {}

    /** A vocabulary entry: English and Chinese surface forms, canonical first. */
    public interface Term {
        List<String> en();
        List<String> zh();
        String name();
        default String id() { return name().toLowerCase(); }
        default String word(Lang lang) { return (lang == Lang.EN ? en() : zh()).getFirst(); }
    }

    static List<String> split(String s) { return List.of(s.split("\\|")); }

    public enum Category { SHAPE, PROP, PERSON, ANIMAL, DRAGON, CROWD }

    public enum Kind implements Term {
        BALL(Category.SHAPE, "ball|sphere", "球|圆球|球体"),
        CUBE(Category.SHAPE, "cube|box|block", "立方体|方块|盒子"),
        CYLINDER(Category.SHAPE, "cylinder", "圆柱|圆柱体"),
        CONE(Category.SHAPE, "cone", "圆锥|圆锥体"),
        PYRAMID(Category.SHAPE, "pyramid", "金字塔|四棱锥"),
        CAPSULE(Category.SHAPE, "capsule|pill", "胶囊"),
        EGG(Category.SHAPE, "egg|ovoid", "蛋|椭球"),
        PRISM(Category.SHAPE, "prism|wedge", "三棱柱|楔形"),
        DIAMOND(Category.SHAPE, "diamond|octahedron", "八面体|菱形体"),
        DISC(Category.SHAPE, "disc|disk", "圆盘"),
        BAR(Category.SHAPE, "bar|plank", "长条|木条"),
        TETRAHEDRON(Category.SHAPE, "tetrahedron", "四面体"),
        COOKIE(Category.PROP, "cookie|biscuit", "饼干|曲奇"),
        APPLE(Category.PROP, "apple", "苹果"),
        GLASS(Category.PROP, "glass|drinking glass|tumbler", "玻璃杯|杯子"),
        BALLOON(Category.PROP, "balloon", "气球"),
        LAMP(Category.PROP, "lamp|desk lamp", "台灯|灯"),
        DOMINO(Category.PROP, "row of dominoes|line of dominoes|dominoes|domino", "多米诺骨牌|骨牌"),
        TOWER(Category.PROP, "block tower|tower of blocks|tower", "积木塔|塔"),
        SHIP(Category.PROP, "pirate ship|ship|boat", "海盗船|船"),
        PAINT_STROKE(Category.PROP, "paint stroke|stroke of paint|stroke", "笔触|油漆笔触"),
        PERSON(Category.PERSON, "person|child|dancer", "人|孩子"),
        WOMAN(Category.PERSON, "woman|lady|girl", "女性|女人|女子|女士|女孩"),
        MAN(Category.PERSON, "man|boy|guy", "男人|男子|男士|男孩"),
        DOG(Category.ANIMAL, "dog|puppy", "狗|小狗"),
        CAT(Category.ANIMAL, "cat|kitten", "猫|小猫"),
        HORSE(Category.ANIMAL, "horse", "马"),
        MAMMOTH(Category.ANIMAL, "woolly mammoth|wooly mammoth|mammoth|mammal", "猛犸象|长毛猛犸象"),
        DRAGON(Category.DRAGON, "dance dragon|dragon dance|dragon", "舞龙|龙"),
        PEDESTRIAN(Category.CROWD, "pedestrian|passer-by|passerby", "行人|路人");

        public final Category category;
        private final List<String> en, zh;
        Kind(Category c, String en, String zh) { category = c; this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
        public boolean isCharacter() { return category == Category.PERSON || category == Category.ANIMAL || category == Category.DRAGON || category == Category.CROWD; }
        public boolean isShape() { return category == Category.SHAPE; }
        /** Kinds whose colour/size/material the captioner states (characters are described by clothing instead). */
        public boolean hasColour() { return !isCharacter() || category == Category.ANIMAL || category == Category.DRAGON; }
        /** Chinese measure word used with this kind (一个球, 一只狗, 一艘船...). */
        public String measure() {
            return switch (this) {
                case SHIP -> "艘"; case DOG, CAT, HORSE, BALLOON -> "只"; case MAMMOTH -> "头"; case DRAGON -> "条";
                case PERSON, WOMAN, MAN, PEDESTRIAN -> "位"; case LAMP -> "盏"; case COOKIE -> "块"; case PAINT_STROKE -> "道";
                case TOWER -> "座"; case APPLE, BALL -> "颗"; default -> "个";
            };
        }
    }

    public enum Colour implements Term {
        RED(0xd23a30, "red", "红色|红"), ORANGE(0xf08a24, "orange", "橙色|橙"), YELLOW(0xf2d03b, "yellow", "黄色|黄"),
        GREEN(0x3c9c45, "green", "绿色|绿"), BLUE(0x2f62c8, "blue", "蓝色|蓝"), PURPLE(0x8446b4, "purple|violet", "紫色|紫"),
        PINK(0xf08cb4, "pink", "粉色|粉红色|粉"), BROWN(0x8a5a32, "brown", "棕色|褐色|咖啡色"), BLACK(0x202024, "black", "黑色|黑"),
        WHITE(0xf0f0ec, "white", "白色|白"), GREY(0x8c8c90, "grey|gray", "灰色|灰"), CYAN(0x30c0d0, "cyan|turquoise", "青色|青"),
        GOLD(0xd4a838, "gold|golden", "金色"), SILVER(0xc0c4cc, "silver", "银色");

        public final int rgb;
        private final List<String> en, zh;
        Colour(int rgb, String en, String zh) { this.rgb = rgb; this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    public enum Size implements Term {
        SMALL(0.6, "small|little|tiny", "小|小小的"), MEDIUM(1.0, "medium-sized|medium", "中等大小的|中等"),
        LARGE(1.5, "large|big|giant|huge", "大|巨大的|大大的");
        public final double scale;
        private final List<String> en, zh;
        Size(double s, String en, String zh) { scale = s; this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    public enum Material implements Term {
        MATTE("matte|rubber", "哑光|橡胶"), SHINY("shiny|glossy|plastic", "亮面|光亮的|塑料"), METAL("metal|metallic|steel", "金属"),
        GLASS("glass", "玻璃"), LEATHER("leather", "皮革|皮");
        private final List<String> en, zh;
        Material(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    /** How a thing moves. Directions are separate ({@link Direction}). */
    public enum Motion implements Term {
        STILL("stays still|sits still|rests|stands still|does not move", "静止不动|一动不动|静止"),
        ROLL("rolls|rolling|roll", "滚动|滚过"), SLIDE("slides|sliding|slide|glides", "滑动|滑行"),
        BOUNCE("bounces|bouncing|bounce", "弹跳|弹起|上下弹跳"), FALL("falls|drops|falling|is dropped|fall|drop", "落下|掉落|下落"),
        SPIN("spins|spinning|rotates|spin|rotate", "旋转|转动"),
        WALK("walks|walking|walk|strolls|treading|treads", "走来走去|走起路来|踏过|行走|走路|散步|走"),
        RUN("runs|running|run", "奔跑|跑步|跑"), JUMP("jumps|jumping|jump|hops", "跳跃|跳起来|跳"),
        WAVE("waves|waving|wave", "挥手|招手"), TURN("turns around|turn around|turns|turning|turn", "转身|转过身"),
        DANCE("dances|dancing|dance|weaves", "舞动|起舞|跳舞"), FLOAT("floats|floating|bobs|sails|sail|sailing|float|bob", "漂浮|航行|漂"),
        BATTLE("battle|battling|fight|fighting|battles|fights", "互相战斗|战斗|交战");
        private final List<String> en, zh;
        Motion(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
        /** Motions that travel across the ground and so take a direction. */
        public boolean travels() { return this == ROLL || this == SLIDE || this == WALK || this == RUN || this == BOUNCE; }
    }

    /** Directions are relative to the camera at the start of the clip. */
    public enum Direction implements Term {
        LEFT_TO_RIGHT("from left to right|left to right|to the right|rightward|rightwards", "从左到右|从左向右|向右"),
        RIGHT_TO_LEFT("from right to left|right to left|to the left|leftward|leftwards", "从右到左|从右向左|向左"),
        TOWARD("toward the camera|towards the camera|toward us|towards us", "朝镜头|朝着镜头|向镜头"),
        AWAY("away from the camera|away from us", "远离镜头|背离镜头");
        private final List<String> en, zh;
        Direction(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    /** Spatial relations as seen by the camera. RIGHT_OF is normalised to LEFT_OF (swapped) in facts. */
    public enum Relation implements Term {
        LEFT_OF("to the left of|left of|on the left of", "左边|左侧|左面"),
        RIGHT_OF("to the right of|right of|on the right of", "右边|右侧|右面"),
        IN_FRONT_OF("in front of", "前面|前方"), BEHIND("behind|in back of", "后面|后方"),
        ON_TOP_OF("on top of|stacked on", "上面|顶上");
        private final List<String> en, zh;
        Relation(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    /** Persistent cause -> effect events: the effect stays to the last frame. */
    public enum EventKind implements Term {
        BITE("gets bitten|is bitten|takes a bite|bites|bite", "被咬了一口|咬了一口|咬"),
        SHATTER("falls and shatters|shatters|breaks|smashes", "掉下来摔碎了|摔碎了|摔碎|碎了"),
        POP("pops|bursts", "爆开了|爆了|破了|爆开"),
        LAMP_ON("switches on|turns on|lights up|is switched on", "亮了起来|亮起|亮了|打开"),
        PAINT("is painted on the wall|is painted|appears on the wall", "被画在墙上|画在墙上|出现在墙上"),
        FOOTPRINTS("leaves footprints in the snow|leaves footprints", "在雪地上留下脚印|留下脚印|留下足迹"),
        DOMINO_CHAIN("fall in a chain|fall one after another|topple one after another", "依次倒下|接连倒下|连锁倒下"),
        KNOCK("knocks over|knocks down|knocks", "撞倒了|撞倒|撞翻");
        private final List<String> en, zh;
        EventKind(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
        /** The kinds this event can happen to. */
        public boolean accepts(Kind k) {
            return switch (this) {
                case BITE -> k == Kind.COOKIE || k == Kind.APPLE;
                case SHATTER -> k == Kind.GLASS;
                case POP -> k == Kind.BALLOON;
                case LAMP_ON -> k == Kind.LAMP;
                case PAINT -> k == Kind.PAINT_STROKE;
                case FOOTPRINTS -> k.category == Category.PERSON || k.category == Category.ANIMAL;
                case DOMINO_CHAIN -> k == Kind.DOMINO;
                case KNOCK -> k == Kind.TOWER;
            };
        }
        public String before() {
            return switch (this) { case BITE -> "whole"; case SHATTER -> "intact"; case POP -> "inflated"; case LAMP_ON -> "off";
                case PAINT -> "bare_wall"; case FOOTPRINTS -> "no_footprints"; case DOMINO_CHAIN -> "standing"; case KNOCK -> "standing"; };
        }
        public String after() {
            return switch (this) { case BITE -> "bitten"; case SHATTER -> "shattered"; case POP -> "popped"; case LAMP_ON -> "on";
                case PAINT -> "painted"; case FOOTPRINTS -> "footprints"; case DOMINO_CHAIN -> "fallen"; case KNOCK -> "knocked_down"; };
        }
    }

    public enum CameraMove implements Term {
        STATIC("the camera is static|static camera|fixed camera|locked-off camera", "镜头固定不动|固定镜头|镜头静止"),
        PAN_LEFT("the camera pans left|the camera pans to the left|camera pans left|pans left|pans to the left|pan left|pan to the left|panning left", "镜头向左平移|镜头向左摇|向左平移"),
        PAN_RIGHT("the camera pans right|the camera pans to the right|camera pans right|pans right|pans to the right|pan right|pan to the right|panning right", "镜头向右平移|镜头向右摇|向右平移"),
        TILT_UP("the camera tilts up|camera tilts up|tilts up|tilts upward|tilt up", "镜头向上倾斜|镜头上摇|向上倾斜"),
        TILT_DOWN("the camera tilts down|camera tilts down|tilts down|tilts downward|tilt down", "镜头向下倾斜|镜头下摇|向下倾斜"),
        ZOOM_IN("the camera zooms in|camera zooms in|zooms in|zoom in|zooming in", "镜头变焦拉近|镜头拉近|变焦拉近"),
        ZOOM_OUT("the camera zooms out|camera zooms out|zooms out|zoom out|zooming out", "镜头变焦拉远|镜头拉远|变焦拉远"),
        DOLLY_IN("the camera dollies in|the camera moves closer|camera dollies in|dollies in|dolly in|pushes in", "镜头向前推进|镜头推近|向前推进"),
        DOLLY_OUT("the camera dollies out|the camera pulls back|camera dollies out|dollies out|dolly out|pulls back", "镜头向后拉开|镜头后撤|向后拉开"),
        ORBIT_LEFT("the camera orbits left|the camera circles left|camera orbits left|orbits left|orbit left|circles left", "镜头向左环绕|镜头向左绕行|向左环绕"),
        ORBIT_RIGHT("the camera orbits right|the camera circles right|camera orbits right|orbits right|orbit right|circles right", "镜头向右环绕|镜头向右绕行|向右环绕"),
        TRACKING("the camera follows|the camera tracks|tracking shot following|tracking shot of", "镜头跟随|镜头跟拍|跟拍"),
        CRANE_UP("the camera cranes up|the camera rises|camera cranes up|cranes up|crane up", "镜头升起|镜头向上升|摇臂上升"),
        CRANE_DOWN("the camera cranes down|the camera descends|camera cranes down|cranes down|crane down", "镜头降下|镜头向下降|摇臂下降");
        private final List<String> en, zh;
        CameraMove(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    public enum Setting implements Term {
        STUDIO("studio floor|studio|plain floor", "摄影棚地板|摄影棚|影棚"),
        GRASS("grass field|grassy field|lawn|grass|meadow", "草地|草坪"),
        BEACH("sandy beach|beach", "沙滩|海滩"),
        SNOW("snowy meadow|snowy field|snowfield", "雪地|雪原|白雪皑皑的草地"),
        CITY("wet city street|city street|tokyo street|street", "东京的街道|东京街头|城市街道|街道|街头"),
        TABLE("table top|tabletop|table", "桌面|桌子"),
        COFFEE("cup of coffee|coffee cup|coffee", "一杯咖啡|咖啡杯|咖啡");
        private final List<String> en, zh;
        Setting(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
        public boolean outdoor() { return this == GRASS || this == BEACH || this == SNOW || this == CITY; }
    }

    public enum TimeOfDay implements Term {
        DAY("during the day|daytime|day|daylight|mid afternoon|afternoon", "白天|晴天"), DUSK("at dusk|dusk|sunset|twilight|evening", "黄昏|傍晚|日落时分"),
        NIGHT("at night|night|nighttime", "夜晚|晚上|夜里");
        private final List<String> en, zh;
        TimeOfDay(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    public enum Particle implements Term {
        RAIN("rain falls|it is raining|rain|raining", "下着雨|下雨|雨"), SNOWFALL("snow falls|it is snowing|snowflakes|snowing|snow", "下着雪|下雪|雪花|飘雪"),
        CONFETTI("confetti is in the air|confetti", "空中飘着五彩纸屑|五彩纸屑|彩纸"), SPLASH("there are splashes|splashes|splashing", "水花飞溅|水花"), SMOKE("smoke rises|puffs of smoke|smoke", "烟雾升起|冒着烟|烟雾|烟");
        private final List<String> en, zh;
        Particle(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }

    public enum Clothing implements Term {
        JACKET("jacket|coat", "夹克|外套"), DRESS("dress|gown", "长裙|连衣裙|裙子"), BOOTS("boots|boot", "靴子|长靴"),
        SUNGLASSES("sunglasses|shades", "太阳镜|墨镜"), BAG("bag|purse|handbag", "手提包|包"), HAT("hat|cap", "帽子"),
        SCARF("scarf", "围巾"), SHIRT("shirt|t-shirt", "衬衫|短袖衫"), TROUSERS("trousers|pants|jeans", "裤子|长裤"),
        LIPSTICK("lipstick", "唇膏|口红");
        private final List<String> en, zh;
        Clothing(String en, String zh) { this.en = split(en); this.zh = split(zh); }
        public List<String> en() { return en; }
        public List<String> zh() { return zh; }
    }
}
