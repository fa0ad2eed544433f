package dev.tessera.engine.kernels;

/** Fast attention (work in progress: delegates to the reference until the tiled Vector API kernel lands). */
final class AttentionVector {
    private AttentionVector() {}

    static void forward(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                        float[] v, HeadLayout vl, boolean[] keyMask, float[] o, HeadLayout ol, float[] lse, int lseOff) {
        Attention.forwardReference(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff);
    }

    static void backward(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                         float[] v, HeadLayout vl, boolean[] keyMask,
                         float[] o, HeadLayout ol, float[] lse, int lseOff, float[] dO, HeadLayout dol,
                         float[] dq, HeadLayout dql, float[] dk, HeadLayout dkl, float[] dv, HeadLayout dvl) {
        Attention.backwardReference(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff, dO, dol, dq, dql, dk, dkl, dv, dvl);
    }
}
