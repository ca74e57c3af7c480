package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.Arrays;

/**
 * Typed access to the primitive storage arrays of each dtype (what a {@link HeapBuffer} holds), and copies between
 * any two {@link Buffer}s; converts as NumPy's astype does.
 */
final class Buffers {
    private Buffers() {}

    static Object allocate(DType t, int n) {
        return switch (t) {
            case BOOL -> new boolean[n];
            case I8, U8 -> new byte[n];
            case I16 -> new short[n];
            case I32 -> new int[n];
            case I64 -> new long[n];
            case F32 -> new float[n];
            case F64 -> new double[n];
        };
    }

    /** Whether {@code data} is the storage array type of {@code t}. */
    static boolean holds(DType t, Object data) {
        return switch (t) {
            case BOOL -> data instanceof boolean[];
            case I8, U8 -> data instanceof byte[];
            case I16 -> data instanceof short[];
            case I32 -> data instanceof int[];
            case I64 -> data instanceof long[];
            case F32 -> data instanceof float[];
            case F64 -> data instanceof double[];
        };
    }

    static int length(Object data) {
        return switch (data) {
            case boolean[] a -> a.length;
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            default -> throw new IllegalArgumentException("not a tensor storage array: " + data.getClass());
        };
    }

    static double getDouble(Object data, DType t, int p) {
        return switch (t) {
            case BOOL -> ((boolean[]) data)[p] ? 1 : 0;
            case I8 -> ((byte[]) data)[p];
            case U8 -> ((byte[]) data)[p] & 0xFF;
            case I16 -> ((short[]) data)[p];
            case I32 -> ((int[]) data)[p];
            case I64 -> ((long[]) data)[p];
            case F32 -> ((float[]) data)[p];
            case F64 -> ((double[]) data)[p];
        };
    }

    /** The element as a long; floats truncate toward zero. */
    static long getLong(Object data, DType t, int p) {
        return switch (t) {
            case BOOL -> ((boolean[]) data)[p] ? 1 : 0;
            case I8 -> ((byte[]) data)[p];
            case U8 -> ((byte[]) data)[p] & 0xFF;
            case I16 -> ((short[]) data)[p];
            case I32 -> ((int[]) data)[p];
            case I64 -> ((long[]) data)[p];
            case F32 -> (long) ((float[]) data)[p];
            case F64 -> (long) ((double[]) data)[p];
        };
    }

    /** The element as a truth value: nonzero (NaN included) is true. */
    static boolean getBoolean(Object data, DType t, int p) {
        return switch (t) {
            case BOOL -> ((boolean[]) data)[p];
            case I8, U8 -> ((byte[]) data)[p] != 0;
            case I16 -> ((short[]) data)[p] != 0;
            case I32 -> ((int[]) data)[p] != 0;
            case I64 -> ((long[]) data)[p] != 0;
            case F32 -> ((float[]) data)[p] != 0;
            case F64 -> ((double[]) data)[p] != 0;
        };
    }

    /** Stores {@code v} converted to {@code t}: integers truncate toward zero, then wrap. */
    static void setDouble(Object data, DType t, int p, double v) {
        switch (t) {
            case BOOL -> ((boolean[]) data)[p] = v != 0;
            case F32 -> ((float[]) data)[p] = (float) v;
            case F64 -> ((double[]) data)[p] = v;
            case I8, U8, I16, I32, I64 -> setLong(data, t, p, Cvt.saturate(v, t));
        }
    }

    /** Stores {@code v} converted to {@code t}: narrower integers wrap. */
    static void setLong(Object data, DType t, int p, long v) {
        switch (t) {
            case BOOL -> ((boolean[]) data)[p] = v != 0;
            case I8, U8 -> ((byte[]) data)[p] = (byte) v;
            case I16 -> ((short[]) data)[p] = (short) v;
            case I32 -> ((int[]) data)[p] = (int) v;
            case I64 -> ((long[]) data)[p] = v;
            case F32 -> ((float[]) data)[p] = (float) v;
            case F64 -> ((double[]) data)[p] = v;
        }
    }

    /** Every element of the storage array set to {@code v} converted to {@code t} as {@link #setDouble} does. */
    static void fill(Object data, DType t, double v) {
        switch (data) {
            case double[] a -> Arrays.fill(a, v);
            case float[] a -> Arrays.fill(a, (float) v);
            default -> {
                int n = length(data);
                for (int i = 0; i < n; i++) setDouble(data, t, i, v);
            }
        }
    }

    /**
     * Copies {@code n} elements, each side with its own stride, between buffers of one dtype in any memory: heap
     * arrays directly, unit-stride runs to or from the heap in bulk, anything else element by element.
     */
    static void copyRun(Buffer src, int sp, int ss, Buffer dst, int dp, int ds, int n) {
        if (src.dtype() != dst.dtype()) {
            throw new IllegalArgumentException("copy from " + src.dtype().spelling() + " to " + dst.dtype().spelling());
        }
        if (src instanceof HeapBuffer s && dst instanceof HeapBuffer d) {
            copyRun(s.array(), sp, ss, d.array(), dp, ds, n);
        } else if (ss == 1 && ds == 1 && dst instanceof HeapBuffer d) {
            src.copyToHeap(sp, d.array(), dp, n);
        } else if (ss == 1 && ds == 1 && src instanceof HeapBuffer s) {
            dst.copyFromHeap(s.array(), sp, dp, n);
        } else if (ss == 1 && ds == 1 && src instanceof NativeBuffer s && dst instanceof NativeBuffer d) {
            long w = s.dtype().itemSize();
            java.lang.foreign.MemorySegment.copy(s.segment(), sp * w, d.segment(), dp * w, n * w);
        } else {
            convertRun(src, sp, ss, dst, dp, ds, n);
        }
    }

    /** Converts {@code n} elements between buffers in any memory with astype semantics, element by element. */
    static void convertRun(Buffer src, int sp, int ss, Buffer dst, int dp, int ds, int n) {
        if (src instanceof HeapBuffer s && dst instanceof HeapBuffer d && ds == 1) {
            convertRun(s.array(), s.dtype(), sp, ss, d.array(), d.dtype(), dp, n);
        } else if (src.dtype().isFloat()) {
            for (int i = 0; i < n; i++) dst.setDouble(dp + i * ds, src.getDouble(sp + i * ss));
        } else if (dst.dtype() == DType.BOOL) {
            for (int i = 0; i < n; i++) dst.setLong(dp + i * ds, src.getBoolean(sp + i * ss) ? 1 : 0);
        } else {
            for (int i = 0; i < n; i++) dst.setLong(dp + i * ds, src.getLong(sp + i * ss));
        }
    }

    /** Copies {@code n} elements between arrays of one storage type, each side with its own stride. */
    static void copyRun(Object src, int sp, int ss, Object dst, int dp, int ds, int n) {
        if (ss == 1 && ds == 1) {
            System.arraycopy(src, sp, dst, dp, n);
            return;
        }
        switch (src) {
            case double[] s -> { double[] d = (double[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            case float[] s -> { float[] d = (float[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            case long[] s -> { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            case int[] s -> { int[] d = (int[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            case short[] s -> { short[] d = (short[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            case byte[] s -> { byte[] d = (byte[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            case boolean[] s -> { boolean[] d = (boolean[]) dst; for (int i = 0; i < n; i++) d[dp + i * ds] = s[sp + i * ss]; }
            default -> throw new IllegalArgumentException("not a tensor storage array: " + src.getClass());
        }
    }

    /** Converts {@code n} elements from one dtype to another with astype semantics. */
    static void convertRun(Object src, DType st, int sp, int ss, Object dst, DType dt, int dp, int n) {
        if (src instanceof double[] s && dst instanceof float[] d) {
            for (int i = 0; i < n; i++) d[dp + i] = (float) s[sp + i * ss];
        } else if (src instanceof float[] s && dst instanceof double[] d) {
            for (int i = 0; i < n; i++) d[dp + i] = s[sp + i * ss];
        } else if (st.isFloat()) {
            for (int i = 0; i < n; i++) setDouble(dst, dt, dp + i, getDouble(src, st, sp + i * ss));
        } else if (dt == DType.BOOL) {
            for (int i = 0; i < n; i++) setBoolean(dst, dt, dp + i, getBoolean(src, st, sp + i * ss));
        } else {
            for (int i = 0; i < n; i++) setLong(dst, dt, dp + i, getLong(src, st, sp + i * ss));
        }
    }

    private static void setBoolean(Object data, DType t, int p, boolean v) {
        setLong(data, t, p, v ? 1 : 0);
    }
}
