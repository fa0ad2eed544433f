package dev.tessera.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Where a tensor's elements live. Ops compute in fp32 on Java arrays today; the interface is the seam for a second
 * backend (a CUDA storage holding a device pointer would be one more permitted class), so tensors never assume a
 * float[] except through {@link #heapArray()}, which answers null for storages that have none.
 */
public sealed interface Storage permits Storage.Heap, Storage.Half, Storage.Segment {

    DType dtype();

    /** Number of elements. */
    long length();

    /** Element i converted to fp32. */
    float get(long i);

    /** The live fp32 array when this is heap fp32 storage, otherwise null. */
    default float[] heapArray() { return null; }

    /** Copies {@code n} elements starting at {@code from} into {@code dst[dstOff..]} as fp32. */
    default void copyTo(long from, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = get(from + i);
    }

    /** Plain fp32 on the Java heap: the storage every op result uses. */
    record Heap(float[] data) implements Storage {
        public DType dtype() { return DType.F32; }
        public long length() { return data.length; }
        public float get(long i) { return data[(int) i]; }
        public float[] heapArray() { return data; }
        public void copyTo(long from, float[] dst, int dstOff, int n) { System.arraycopy(data, (int) from, dst, dstOff, n); }
    }

    /** bf16 or fp16 bits on the heap: half the memory for weights, converted to fp32 when an op reads them. */
    record Half(short[] bits, DType dtype) implements Storage {
        public Half {
            if (dtype != DType.BF16 && dtype != DType.F16) throw new IllegalArgumentException("Half storage holds BF16 or F16, not " + dtype);
        }
        public long length() { return bits.length; }
        public float get(long i) {
            short h = bits[(int) i];
            return dtype == DType.BF16 ? DType.fromBf16(h) : DType.fromF16(h);
        }
    }

    /** Little-endian elements in a MemorySegment, e.g. a memory-mapped safetensors file (read-only). */
    record Segment(MemorySegment segment, DType dtype) implements Storage {
        static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        public long length() { return segment.byteSize() / dtype.bytes; }

        public float get(long i) {
            return switch (dtype) {
                case F32 -> segment.getAtIndex(F, i);
                case BF16 -> DType.fromBf16(segment.getAtIndex(S, i));
                case F16 -> DType.fromF16(segment.getAtIndex(S, i));
                case I32 -> segment.getAtIndex(I, i);
                case I64 -> segment.getAtIndex(L, i);
            };
        }

        public void copyTo(long from, float[] dst, int dstOff, int n) {
            if (dtype == DType.F32) {
                MemorySegment.copy(segment, F, from * 4, dst, dstOff, n);
            } else {
                for (int i = 0; i < n; i++) dst[dstOff + i] = get(from + i);
            }
        }

        /** Exact integer read (I32/I64 token ids lose nothing here, unlike {@link #get}). */
        public long getLong(long i) {
            return switch (dtype) {
                case I64 -> segment.getAtIndex(L, i);
                case I32 -> segment.getAtIndex(I, i);
                default -> (long) get(i);
            };
        }
    }
}
