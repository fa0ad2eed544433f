package dev.tessera.world;

/** Caption / prompt language. */
public enum Lang { EN, ZH }
