package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** A .npy file assembled by hand: magic, version, little-endian header length, header text, data. */
    static byte[] npy(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        int len = header.length();
        out.write(len & 0xFF);
        out.write(len >> 8);
        if (major > 1) {
            out.write(len >> 16);
            out.write(len >> 24);
        }
        out.writeBytes(header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] doubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) b.putDouble(d);
        return b.array();
    }

    @Test
    void writesExactlyWhatNumpyWrites() {
        NDArray a = NDArray.ofDoubles(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
        byte[] expected = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", doubles(0, 1, 2, 3, 4, 5));
        byte[] actual = Npy.writeBytes(a);
        assertArrayEquals(expected, actual);
        assertEquals(128, actual.length - 48);
        assertEquals('\n', actual[127]);
        byte[] scalar = npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-7).array());
        assertArrayEquals(scalar, Npy.writeBytes(NDArray.scalar(-7L)));
        byte[] bools = npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new byte[] {1, 0, 1});
        assertArrayEquals(bools, Npy.writeBytes(NDArray.ofBooleans(new boolean[] {true, false, true})));
    }

    @Test
    void readsHandBuiltFiles() {
        byte[] f = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", doubles(0, 1, 2, 3, 4, 5));
        NDArray a = Npy.readBytes(f, "a.npy");
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, a.toDoubleArray());
        byte[] u8 = npy(1, "{'descr':'|u1','fortran_order':False,'shape':(2,)}", new byte[] {(byte) 255, 7});
        NDArray b = Npy.readBytes(u8, "b.npy");
        assertEquals(DType.U8, b.dtype());
        assertArrayEquals(new long[] {255, 7}, b.toLongArray());
        byte[] lb = npy(1, "{\"descr\": \"<b1\", \"shape\": [2], \"fortran_order\": False}", new byte[] {0, 2});
        assertArrayEquals(new long[] {0, 1}, Npy.readBytes(lb, "c.npy").toLongArray());
        byte[] i1 = npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (1L,), }", new byte[] {(byte) 0xFF});
        assertEquals(-1, Npy.readBytes(i1, "d.npy").getLong(0));
    }

    @Test
    void readsFortranOrder() {
        // [[0, 1, 2], [3, 4, 5]] stored column by column
        byte[] f = npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", doubles(0, 3, 1, 4, 2, 5));
        NDArray a = Npy.readBytes(f, "f.npy");
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, a.toDoubleArray());
        assertTrue(a.isContiguous());
        double[] cube = new double[24];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) cube[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        NDArray c = Npy.readBytes(npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", doubles(cube)), "c.npy");
        assertEquals(123.0, c.getDouble(1, 2, 3));
        assertEquals(12.0, c.getDouble(0, 1, 2));
    }

    @Test
    void readsVersion2And3Headers() {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
        assertArrayEquals(new double[] {1.5, -2}, Npy.readBytes(npy(2, dict, doubles(1.5, -2)), "v2.npy").toDoubleArray());
        assertArrayEquals(new double[] {1.5, -2}, Npy.readBytes(npy(3, dict, doubles(1.5, -2)), "v3.npy").toDoubleArray());
    }

    @Test
    void writesVersion2WhenTheHeaderIsHuge() {
        int[] shape = new int[25000];
        java.util.Arrays.fill(shape, 1);
        NDArray a = NDArray.zeros(DType.F32, shape);
        byte[] b = Npy.writeBytes(a);
        assertEquals(2, b[6]);
        int len = (b[8] & 0xFF) | (b[9] & 0xFF) << 8 | (b[10] & 0xFF) << 16;
        assertEquals(0, (12 + len) % 64);
        assertEquals(a, Npy.readBytes(b, "big.npy"));
    }

    @Test
    void roundTripsEveryDtypeAndRank() throws Exception {
        Random r = new Random(1);
        int[][] shapes = {{}, {5}, {3, 4}, {2, 3, 4}, {0}, {2, 0, 3}};
        for (DType t : DType.values()) {
            for (int[] shape : shapes) {
                NDArray a = Kernels.uniform(-100, 100, r.nextLong(), DType.F64, shape).astype(t);
                Path p = dir.resolve(t.spelling() + shape.length + ".npy");
                Npy.write(p, a);
                NDArray back = Npy.read(p);
                assertEquals(a, back, t + " " + Shapes.format(shape));
                assertEquals(t, back.dtype());
            }
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(p -> p.toString().endsWith(".npy")), "no temporary files are left behind");
        }
        var e = assertThrows(TxRuntimeException.class, () -> Npy.write(dir.resolve("no/such/dir/x.npy"), NDArray.scalar(1.0)));
        assertTrue(e.getMessage().startsWith("cannot write "), e.getMessage());
    }

    @Test
    void writesViewsInCOrderAndReplacesFiles() {
        NDArray m = NDArray.ofDoubles(new double[] {0, 1, 2, 3, 4, 5}, 2, 3).transpose();
        Path p = dir.resolve("t.npy");
        Npy.write(p, NDArray.scalar(1.0));
        Npy.write(p, m);
        NDArray back = Npy.read(p);
        assertEquals(m, back);
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, back.toDoubleArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, m);
        assertEquals(m, Npy.read(new ByteArrayInputStream(out.toByteArray()), "stream"));
    }

    @Test
    void bigEndianFilesAreReadAsNumPyReadsThem() throws Exception {
        // np.save of arr.astype('>f8') / '>i4' / '>i2': the bytes in big-endian order
        ByteBuffer d = ByteBuffer.allocate(16).order(java.nio.ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-2e300);
        NDArray f8 = Npy.readBytes(npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", d.array()), "be.npy");
        assertArrayEquals(new double[] {1.5, -2e300}, f8.toDoubleArray());
        ByteBuffer i = ByteBuffer.allocate(8).order(java.nio.ByteOrder.BIG_ENDIAN).putInt(-7).putInt(1 << 20);
        NDArray i4 = Npy.readBytes(npy(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", i.array()), "be.npy");
        assertEquals(DType.I32, i4.dtype());
        assertArrayEquals(new double[] {-7, 1 << 20}, i4.toDoubleArray());
        ByteBuffer h = ByteBuffer.allocate(8).order(java.nio.ByteOrder.BIG_ENDIAN).putShort((short) 1).putShort((short) -2)
                .putShort((short) 300).putShort((short) 4);
        Path file = dir.resolve("be2.npy");
        Files.write(file, npy(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (2, 2), }", h.array()));
        assertArrayEquals(new double[] {300, 4}, Npy.readRows(file, 1, 2).toDoubleArray());
        assertArrayEquals(new double[] {1, -2, 300, 4}, Npy.read(file).toDoubleArray());
        NDArray nat = Npy.readBytes(npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", d.array()), "be.npy",
                Buffer.Allocator.nativeMemory());
        assertArrayEquals(new double[] {1.5, -2e300}, nat.toDoubleArray());
    }

    @Test
    void malformedFilesAreClearErrors() {
        String ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
        assertBad("bad magic", "x.npy", "x.npy: not a .npy file (bad magic string)", "NUMPY!!!!!!".getBytes());
        assertBad("truncated data", "x.npy", "truncated data", npy(1, ok, doubles(1)));
        assertBad("not a dict", "x.npy", "not a valid dictionary", npy(1, "[1, 2]", doubles(1, 2)));
        assertBad("complex", "x.npy", "unsupported dtype '<c16'", npy(1, ok.replace("<f8", "<c16"), new byte[32]));
        assertBad("u32", "x.npy", "unsupported dtype '<u4'", npy(1, ok.replace("<f8", "<u4"), new byte[8]));
        assertBad("no shape", "x.npy", "'shape'", npy(1, "{'descr': '<f8', 'fortran_order': False}", new byte[16]));
        assertBad("version", "x.npy", "version 4.0", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 4, 0, 0, 0});
        byte[] shortHeader = npy(1, ok, doubles(1, 2));
        assertBad("truncated header", "x.npy", "truncated header", java.util.Arrays.copyOf(shortHeader, 40));
        var e = assertThrows(TxRuntimeException.class, () -> Npy.read(dir.resolve("missing.npy")));
        assertTrue(e.getMessage().contains("missing.npy"));
    }

    @Test
    void hostileFilesFailBeforeAnyLargeAllocation() {
        String f8 = "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }";
        // an element count that overflows long, or int, or that would need 16 GB for a 16-byte file
        assertBad("overflowing dim", "x.npy", "integer 99999999999999999999 is too large", npy(1, f8.formatted("(99999999999999999999,)"), new byte[16]));
        assertBad("long product", "x.npy", "invalid dimension 3037000500", npy(1, f8.formatted("(3037000500, 3037000500)"), new byte[16]));
        assertBad("int product", "x.npy", "array of shape (65536, 32768) is too big (more than 2^31-1 elements)", npy(1, f8.formatted("(65536, 32768)"), new byte[16]));
        assertBad("many dims", "x.npy", "is too big", npy(1, f8.formatted("(2147483647, 2147483647, 2147483647, 2147483647, 2147483647)"), new byte[16]));
        assertBad("needs 16 GB", "x.npy", "truncated data: expected 16000000000 bytes for f64(50000, 40000), found 16", npy(1, f8.formatted("(50000, 40000)"), new byte[16]));
        assertBad("negative dim", "x.npy", "invalid dimension -1", npy(1, f8.formatted("(-1, 2)"), new byte[16]));
        assertBad("non-integer dim", "x.npy", "invalid dimension", npy(1, f8.formatted("('a',)"), new byte[16]));
        // a header length beyond the file, in each header format
        byte[] v2 = npy(2, f8.formatted("(2,)"), doubles(1, 2));
        v2[8] = (byte) 0xFF; v2[9] = (byte) 0xFF; v2[10] = (byte) 0xFF; v2[11] = (byte) 0x7F;
        assertBad("huge header length", "x.npy", "truncated header: declares 2147483647 bytes", v2);
        // truncated anywhere: magic, version, length, header text, data
        byte[] whole = npy(1, f8.formatted("(2,)"), doubles(1, 2));
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(whole, cut);
            var e = assertThrows(NpyFormatException.class, () -> Npy.readBytes(part, "x.npy"), "cut at " + cut);
            assertTrue(e.getMessage().matches("x\\.npy: (not a \\.npy file \\(bad magic string\\)|truncated header.*|truncated data.*)"), e.getMessage());
        }
        // unsupported or wrong dtypes
        assertBad("object", "x.npy", "unsupported dtype '|O'", npy(1, f8.formatted("(2,)").replace("<f8", "|O"), new byte[16]));
        assertBad("unicode", "x.npy", "unsupported dtype '<U3'", npy(1, f8.formatted("(2,)").replace("<f8", "<U3"), new byte[24]));
        assertBad("half", "x.npy", "unsupported dtype '<f2'", npy(1, f8.formatted("(2,)").replace("<f8", "<f2"), new byte[4]));
        assertBad("structured", "x.npy", "no valid 'descr'", npy(1, f8.formatted("(2,)").replace("'<f8'", "[('a', '<f8')]"), new byte[16]));
        assertBad("bad order char", "x.npy", "unsupported dtype '!f8'", npy(1, f8.formatted("(2,)").replace("<f8", "!f8"), new byte[16]));
        // a bad fortran_order or a broken dictionary
        assertBad("fortran_order", "x.npy", "no valid 'fortran_order'", npy(1, f8.formatted("(2,)").replace("False", "'no'"), new byte[16]));
        assertBad("unterminated", "x.npy", "unterminated string", npy(1, "{'descr': '<f8", new byte[16]));
        assertBad("trailing text", "x.npy", "unexpected text after the dictionary", npy(1, f8.formatted("(2,)") + " x", new byte[16]));
        // Fortran order is supported: a 2x3 array stored column by column
        NDArray m = Npy.readBytes(npy(1, f8.formatted("(2, 3)").replace("False", "True"), doubles(1, 4, 2, 5, 3, 6)), "f.npy");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, m.toDoubleArray());
    }

    @Test
    void unreadableFilesSayWhy() throws Exception {
        var e = assertThrows(TxRuntimeException.class, () -> Npy.read(dir.resolve("missing.npy")));
        assertEquals("cannot read " + dir.resolve("missing.npy") + ": no such file", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> Npy.read(dir));
        assertEquals("cannot read " + dir + ": is a directory", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> Npy.write(dir.resolve("no/such/dir/x.npy"), NDArray.scalar(1.0)));
        assertEquals("cannot write " + dir.resolve("no/such/dir/x.npy") + ": no such file", e.getMessage());
    }

    private static void assertBad(String what, String name, String fragment, byte[] bytes) {
        var e = assertThrows(NpyFormatException.class, () -> Npy.readBytes(bytes, name), what);
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), what + ": " + e.getMessage());
    }
}
