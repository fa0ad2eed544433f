package dev.tessera.world;

import dev.tessera.media.Video;

/** One dataset sample: the clip, its captions in both languages, the ground truth and the scene facts. */
public record Sample(long index, long seed, Split split, Video clip, String captionEn, String captionZh, Truth truth, SceneFacts facts, SceneSpec spec) {}
