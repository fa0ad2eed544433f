package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/** GroupNorm over [B, C, ...] with per-channel {@code weight}/{@code bias}. */
public final class GroupNorm extends Module {
    public final Tensor weight, bias;
    public final int groups;
    public final float eps;

    public GroupNorm(int groups, int channels, float eps) {
        if (channels % groups != 0) throw new IllegalArgumentException(channels + " channels not divisible into " + groups + " groups");
        this.groups = groups;
        this.eps = eps;
        weight = param("weight", Tensor.ones(channels));
        bias = param("bias", Tensor.zeros(channels));
    }

    public Tensor forward(Tensor x) { return F.groupNorm(x, groups, weight, bias, eps); }
}
