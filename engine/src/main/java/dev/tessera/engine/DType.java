package dev.tessera.engine;

/** Element types a tensor's storage can hold. Compute is always fp32; the others are storage formats. */
public enum DType {
    F32(4), BF16(2), F16(2), I32(4), I64(8);

    /** Bytes per element. */
    public final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    /** The safetensors spelling ("F32", "BF16", ...). */
    public String safetensorsName() { return name(); }

    /** fp32 → bf16 bits with round-to-nearest-even (NaN stays a quiet NaN). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBf16(short h) { return Float.intBitsToFloat((h & 0xffff) << 16); }

    public static short toF16(float f) { return Float.floatToFloat16(f); }

    public static float fromF16(short h) { return Float.float16ToFloat(h); }
}
