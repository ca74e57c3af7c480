package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.SharedSpec;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Heap and native buffers of every dtype against hand-derived values, and NDArrays over native memory. */
class BufferTest {
    @TempDir
    Path dir;

    enum Kind {
        HEAP(Buffer.Allocator.HEAP), NATIVE(Buffer.Allocator.nativeMemory());

        final Buffer.Allocator memory;

        Kind(Buffer.Allocator memory) {
            this.memory = memory;
        }
    }

    static List<Arguments> everyDtypeAndKind() {
        var out = new java.util.ArrayList<Arguments>();
        for (DType t : DType.values()) for (Kind k : Kind.values()) out.add(Arguments.of(t, k));
        return out;
    }

    // bytes per element as NumPy stores them: bool and (u)int8 one byte
    private static int width(DType t) {
        return switch (t) {
            case BOOL, I8, U8 -> 1;
            case I16 -> 2;
            case I32, F32 -> 4;
            case I64, F64 -> 8;
        };
    }

    @ParameterizedTest
    @MethodSource("everyDtypeAndKind")
    void elementsConvertAsAstype(DType t, Kind k) {
        Buffer b = k.memory.allocate(t, 6);
        assertEquals(t, b.dtype());
        assertEquals(6, b.length());
        assertEquals(6L * width(t), b.byteSize());
        for (int i = 0; i < 6; i++) assertEquals(0.0, b.getDouble(i), "fresh buffers are zeroed");
        b.setLong(0, 300);
        b.setDouble(1, -2.7);
        b.setDouble(2, 1e10);
        b.setDouble(3, Double.NaN);
        b.setLong(4, -1);
        b.setDouble(5, 0.0);
        double[] expected = switch (t) {
            case BOOL -> new double[] {1, 1, 1, 1, 1, 0};
            case I8 -> new double[] {44, -2, 127, 0, -1, 0};
            case U8 -> new double[] {44, 0, 255, 0, 255, 0};
            case I16 -> new double[] {300, -2, 32767, 0, -1, 0};
            case I32 -> new double[] {300, -2, Integer.MAX_VALUE, 0, -1, 0};
            case I64 -> new double[] {300, -2, 1e10, 0, -1, 0};
            case F32 -> new double[] {300, (float) -2.7, 1e10, Double.NaN, -1, 0};
            case F64 -> new double[] {300, -2.7, 1e10, Double.NaN, -1, 0};
        };
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], b.getDouble(i), t + "[" + i + "]");
            assertEquals((long) expected[i], b.getLong(i), t + "[" + i + "] as long");
            assertEquals(expected[i] != 0, b.getBoolean(i), t + "[" + i + "] as bool");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> b.getDouble(6));
    }

    @ParameterizedTest
    @MethodSource("everyDtypeAndKind")
    void fillSetsEveryElement(DType t, Kind k) {
        for (int n : new int[] {0, 1, 7, 1000}) {
            Buffer b = k.memory.allocate(t, n);
            b.fill(3.75);
            double want = t == DType.BOOL ? 1 : t.isFloat() ? 3.75 : 3;
            for (int i = 0; i < n; i++) assertEquals(want, b.getDouble(i), t + " x " + n + " at " + i);
        }
    }

    /** A storage array of t holding 1, 2, 3, ... (bools alternate), built by a plain loop. */
    private static Object pattern(DType t, int n) {
        return switch (t) {
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = i % 2 == 0; yield a; }
            case I8, U8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) (i + 1); yield a; }
            case I16 -> { short[] a = new short[n]; for (int i = 0; i < n; i++) a[i] = (short) (i + 1); yield a; }
            case I32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = i + 1; yield a; }
            case I64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = i + 1; yield a; }
            case F32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = i + 1.5f; yield a; }
            case F64 -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = i + 1.25; yield a; }
        };
    }

    private static double patternValue(DType t, int i) {
        return switch (t) {
            case BOOL -> i % 2 == 0 ? 1 : 0;
            case F32 -> i + 1.5;
            case F64 -> i + 1.25;
            case I8, U8, I16, I32, I64 -> i + 1;
        };
    }

    @ParameterizedTest
    @MethodSource("everyDtypeAndKind")
    void bulkCopiesToAndFromTheHeap(DType t, Kind k) {
        Buffer b = k.memory.allocate(t, 10);
        b.copyFromHeap(pattern(t, 8), 2, 3, 5); // elements 2..6 of the pattern to positions 3..7
        for (int i = 0; i < 10; i++) {
            double want = i >= 3 && i < 8 ? patternValue(t, i - 1) : 0;
            assertEquals(want, b.getDouble(i), t + " at " + i);
        }
        Object back = Buffers.allocate(t, 6);
        b.copyToHeap(4, back, 1, 4); // positions 4..7 to back[1..4]
        Buffer view = new HeapBuffer(t, back);
        for (int i = 0; i < 6; i++) assertEquals(i >= 1 && i < 5 ? patternValue(t, i + 2) : 0, view.getDouble(i), t + " back at " + i);
        assertThrows(IndexOutOfBoundsException.class, () -> b.copyToHeap(8, Buffers.allocate(t, 4), 0, 3));
        assertThrows(IllegalArgumentException.class, () -> b.copyFromHeap(new Object[3], 0, 0, 3));
    }

    @ParameterizedTest
    @MethodSource("everyDtypeAndKind")
    void arraysRoundTripBetweenMemories(DType t, Kind k) {
        NDArray heap = NDArray.wrap(t, pattern(t, 24), new int[] {2, 3, 4});
        NDArray moved = heap.to(k.memory);
        assertEquals(k == Kind.HEAP, moved.isOnHeap());
        assertEquals(heap, moved);
        NDArray back = moved.toHeap();
        assertTrue(back.isOnHeap());
        assertEquals(heap, back);
        assertEquals(k == Kind.HEAP, back == moved, "toHeap copies only when the elements are elsewhere");
        assertArrayEquals(heap.toDoubleArray(), moved.toDoubleArray());
        assertEquals(heap.toString(), moved.toString());
        assertEquals(Format.json(heap), Format.json(moved));
    }

    @ParameterizedTest
    @MethodSource("everyDtypeAndKind")
    void viewsOverAnyMemory(DType t, Kind k) {
        // a[i][j] = pattern[i * 4 + j]; views are checked against that formula, computed here
        NDArray a = NDArray.wrap(t, pattern(t, 12), new int[] {3, 4}).to(k.memory);
        NDArray tr = a.transpose();
        NDArray sl = a.sliceNumpy(new int[] {2, Integer.MIN_VALUE}, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, new int[] {-1, 2});
        NDArray bc = a.index(0, 1).broadcastTo(2, 4);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) assertEquals(patternValue(t, j * 4 + i), tr.getDouble(i, j));
        assertArrayEquals(new int[] {3, 2}, sl.shape());
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) assertEquals(patternValue(t, (2 - i) * 4 + 2 * j), sl.getDouble(i, j));
        for (int i = 0; i < 2; i++) for (int j = 0; j < 4; j++) assertEquals(patternValue(t, 4 + j), bc.getDouble(i, j));
        for (NDArray v : new NDArray[] {tr, sl, bc}) {
            assertSame(a.buffer(), v.buffer(), "views share the buffer");
            NDArray c = v.copy();
            assertEquals(k == Kind.HEAP, c.isOnHeap(), "a copy stays in its memory");
            assertTrue(c.isContiguous());
            assertEquals(v, c);
            assertEquals(v, v.toHeap());
            assertEquals(v.reshape(-1), c.reshape(-1));
        }
        NDArray strided = NDArray.strided(a.buffer(), new int[] {2, 2}, new int[] {-4, 3}, 5);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) assertEquals(patternValue(t, 5 - 4 * i + 3 * j), strided.getDouble(i, j));
    }

    @ParameterizedTest
    @MethodSource("everyDtypeAndKind")
    void astypeStaysInItsMemory(DType t, Kind k) {
        NDArray a = NDArray.wrap(t, pattern(t, 6), new int[] {2, 3}).to(k.memory).transpose();
        for (DType to : DType.values()) {
            NDArray c = a.astype(to);
            assertEquals(k == Kind.HEAP, c.isOnHeap());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    double v = patternValue(t, j * 3 + i);
                    double want = to == DType.BOOL ? (v != 0 ? 1 : 0) : to.isFloat() ? (to == DType.F32 ? (float) v : v) : (long) v;
                    assertEquals(want, c.getDouble(i, j), t + " -> " + to);
                }
            }
        }
    }

    @Test
    void heapOnlyOperationsRefuseNativeArrays() {
        NDArray x = NDArray.ofDoubles(new double[] {1, 2, 3}).to(Buffer.Allocator.nativeMemory());
        var e = assertThrows(TxRuntimeException.class, x::heapArray);
        assertTrue(e.getMessage().contains("f64[3] is in native memory") && e.getMessage().contains("toHeap()"), e.getMessage());
        var k = assertThrows(TxRuntimeException.class, () -> Loop.prepare(new NDArray[] {x}, new DType[] {DType.F64}, null));
        assertEquals(e.getMessage(), k.getMessage());
        List<java.util.function.Supplier<NDArray>> heapOnly = List.of(
                () -> JvmOps.reduce(x, ReduceOp.SUM, new int[] {0}, false), () -> JvmOps.softmax(x, 0),
                () -> JvmOps.matmul(x, x), () -> JvmOps.logsumexp(x, new int[] {0}, false));
        for (var op : heapOnly) {
            var r = assertThrows(TxRuntimeException.class, op::get);
            assertTrue(r.getMessage().contains("native memory"), r.getMessage());
        }
        NDArray h = x.toHeap();
        assertArrayEquals(new double[] {1, 2, 3}, (double[]) h.heapArray());
    }

    @Test
    void aBufferPassedAsAHeapArrayIsNamed() {
        Object nat = NativeBuffer.allocate(DType.F64, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> NDArray.wrap(DType.F64, nat, new int[] {2}));
        assertEquals("NativeBuffer[f64 x 2] is a buffer, not a primitive array: wrap it with NDArray.wrap(Buffer, shape)", e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> NDArray.wrap(DType.F32, new double[2], new int[] {2}));
        assertEquals("storage double[] does not hold f32", f.getMessage());
    }

    @Test
    void nativeMemoryOfAClosedArenaFailsOnAccess() {
        NDArray a;
        try (Arena arena = Arena.ofConfined()) {
            a = NDArray.zeros(Buffer.Allocator.nativeMemory(arena), DType.F32, 2, 2);
            a.buffer().fill(1.5);
            assertEquals(1.5, a.getDouble(1, 1));
        }
        NDArray closed = a;
        assertThrows(IllegalStateException.class, () -> closed.getDouble(0, 0));
    }

    @Test
    void wrapsForeignSegments() {
        MemorySegment seg = MemorySegment.ofArray(new byte[10]);
        var e = assertThrows(IllegalArgumentException.class, () -> NativeBuffer.wrap(DType.F64, seg));
        assertTrue(e.getMessage().contains("10 bytes"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = arena.allocate(17);
            // an odd address: the layouts must not demand alignment
            NativeBuffer b = NativeBuffer.wrap(DType.I64, raw.asSlice(1, 16));
            b.setLong(1, -5);
            assertEquals(-5, raw.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 9));
            assertEquals(2, b.length());
        }
    }

    // the little-endian bytes of the pattern's elements at the given positions, written with ByteBuffer
    private static byte[] littleEndian(DType t, int... positions) {
        ByteBuffer b = ByteBuffer.allocate(positions.length * width(t)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : positions) {
            double v = patternValue(t, i);
            switch (t) {
                case BOOL, I8, U8 -> b.put((byte) v);
                case I16 -> b.putShort((short) v);
                case I32 -> b.putInt((int) v);
                case I64 -> b.putLong((long) v);
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
            }
        }
        return b.array();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void npyWritesAndReadsNativeArrays(DType t) {
        String dict = "{'descr': '" + t.npyDescr() + "', 'fortran_order': False, 'shape': (2, 3), }";
        byte[] file = NpyTest.npy(1, dict, littleEndian(t, 0, 1, 2, 3, 4, 5));
        NDArray a = NDArray.wrap(t, pattern(t, 6), new int[] {2, 3}).to(Buffer.Allocator.nativeMemory());
        assertArrayEquals(file, Npy.writeBytes(a));
        NDArray r = Npy.readBytes(file, "a.npy", Buffer.Allocator.nativeMemory());
        assertFalse(r.isOnHeap());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) assertEquals(patternValue(t, i * 3 + j), r.getDouble(i, j));
        // a strided native view is written in C order
        byte[] transposed = NpyTest.npy(1, dict.replace("(2, 3)", "(3, 2)"), littleEndian(t, 0, 3, 1, 4, 2, 5));
        assertArrayEquals(transposed, Npy.writeBytes(a.transpose()));
        // Fortran order read into native memory
        byte[] fortran = NpyTest.npy(1, dict.replace("False", "True"), littleEndian(t, 0, 1, 2, 3, 4, 5));
        NDArray f = Npy.readBytes(fortran, "f.npy", Buffer.Allocator.nativeMemory());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) assertEquals(patternValue(t, j * 2 + i), f.getDouble(i, j));
    }

    @Test
    void nativeBoolsReadFromFilesAreZeroOrOne() {
        byte[] file = NpyTest.npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new byte[] {0, 2, 1});
        NDArray r = Npy.readBytes(file, "b.npy", Buffer.Allocator.nativeMemory());
        NativeBuffer b = (NativeBuffer) r.buffer();
        assertEquals(1, b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1));
        assertArrayEquals(new long[] {0, 1, 1}, r.toLongArray());
    }

    @Test
    void modelStateSavesAndLoadsNativeValues() {
        var specs = List.of(new SharedSpec("w", TensorType.parse("f32[2, 2]")), new SharedSpec("n", TensorType.parse("i64")));
        NDArray w = NDArray.ofFloats(new float[] {1.5f, -2, 3, 0.25f}, 2, 2).to(Buffer.Allocator.nativeMemory());
        NDArray n = NDArray.scalar(41L).to(Buffer.Allocator.nativeMemory());
        var state = new ModelState(specs, List.of(w, n));
        state.save(dir);
        var heap = new ModelState(specs, List.of(NDArray.zeros(DType.F32, 2, 2), NDArray.scalar(0L)));
        heap.load(dir);
        assertTrue(heap.get("w").isOnHeap());
        assertArrayEquals(new float[] {1.5f, -2, 3, 0.25f}, (float[]) heap.get("w").heapArray());
        assertEquals(41, heap.get("n").getLong());
        var off = new ModelState(specs, List.of(NDArray.zeros(DType.F32, 2, 2), NDArray.scalar(0L)));
        off.load(dir, Buffer.Allocator.nativeMemory());
        assertFalse(off.get("w").isOnHeap());
        assertEquals(heap.get("w"), off.get("w"));
        assertEquals(41, off.get("n").getLong());
    }
}
