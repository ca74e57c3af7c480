package dev.txc.runtime;

import dev.txc.types.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads and writes NumPy's .npy format (versions 1.0, 2.0 and 3.0, little-endian, C or Fortran order on read);
 * writing always produces C order and is atomic.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    private Npy() {}

    /** Parsed header fields; {@code dataStart} is the byte offset of the first element. */
    private record Header(DType dtype, ByteOrder order, boolean fortran, int[] shape, int dataStart) {}

    // ---------------------------------------------------------------- read

    public static NDArray read(Path file) {
        return read(file, Buffer.Allocator.HEAP);
    }

    /** Reads a file into the memory {@code memory} allocates. */
    public static NDArray read(Path file, Buffer.Allocator memory) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TxRuntimeException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
        return readBytes(bytes, file.toString(), memory);
    }

    /** The dtype in the header of {@code file}, without reading its data. */
    public static DType dtype(Path file) {
        return header(file).dtype;
    }

    /** The shape in the header of {@code file}, without reading its data. */
    public static int[] shape(Path file) {
        return header(file).shape.clone();
    }

    /**
     * Rows {@code [from, to)} (along axis 0) of the C-ordered array in {@code file}, reading only their bytes (a
     * Fortran-ordered file is read whole).
     */
    public static NDArray readRows(Path file, int from, int to) {
        Header h = header(file);
        if (h.shape.length == 0 || from < 0 || to < from || to > h.shape[0])
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of " + file + " with shape " + Shapes.format(h.shape));
        if (h.fortran) return read(file).slice(0, from, to, 1).contiguous();
        int[] shape = h.shape.clone();
        shape[0] = to - from;
        int n = Shapes.size(shape);
        long rowBytes = (long) Shapes.size(h.shape) / Math.max(1, h.shape[0]) * h.dtype.itemSize();
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact((long) n * h.dtype.itemSize())).order(h.order);
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            long pos = h.dataStart + from * rowBytes;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) throw bad(file.toString(), "truncated data");
            }
        } catch (IOException e) {
            throw new TxRuntimeException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
        buf.flip();
        Buffer data = Buffer.Allocator.HEAP.allocate(h.dtype, n);
        decode(buf, ((HeapBuffer) data).array(), n);
        return NDArray.wrap(data, shape);
    }

    /** The header of {@code file}, read without its data. */
    private static Header header(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(12);
            int lenBytes = start.length >= 7 && (start[6] & 0xFF) == 1 ? 2 : 4;
            long len = 0;
            for (int i = lenBytes - 1; i >= 0 && 8 + i < start.length; i--) len = (len << 8) | (start[8 + i] & 0xFF);
            byte[] all = new byte[(int) Math.min(8 + lenBytes + len, 1 << 20)];
            System.arraycopy(start, 0, all, 0, Math.min(start.length, all.length));
            if (all.length > start.length) in.readNBytes(all, start.length, all.length - start.length);
            return header(all, file.toString());
        } catch (IOException e) {
            throw new TxRuntimeException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /** Reads a whole stream; {@code name} is used in error messages. */
    public static NDArray read(InputStream in, String name) {
        try {
            return readBytes(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new TxRuntimeException("cannot read " + name + ": " + IoErrors.describe(e), e);
        }
    }

    /** Decodes the bytes of a .npy file; {@code name} is used in error messages. */
    public static NDArray readBytes(byte[] bytes, String name) {
        return readBytes(bytes, name, Buffer.Allocator.HEAP);
    }

    /** Decodes the bytes of a .npy file into the memory {@code memory} allocates. */
    public static NDArray readBytes(byte[] bytes, String name, Buffer.Allocator memory) {
        Header h = header(bytes, name);
        int n = Shapes.size(h.shape);
        long need = h.dataStart + (long) n * h.dtype.itemSize();
        if (bytes.length < need) {
            throw bad(name, "truncated data: expected " + ((long) n * h.dtype.itemSize()) + " bytes for "
                    + h.dtype.spelling() + Shapes.format(h.shape) + ", found " + (bytes.length - h.dataStart));
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, h.dataStart, (int) (need - h.dataStart)).slice().order(h.order);
        Buffer data = memory.allocate(h.dtype, n);
        switch (data) {
            case HeapBuffer b -> decode(buf, b.array(), n);
            case NativeBuffer b -> decode(buf, b, n);
        }
        if (!h.fortran) {
            return NDArray.wrap(data, h.shape);
        }
        // Fortran order is C order of the reversed shape
        int[] reversed = new int[h.shape.length];
        for (int i = 0; i < reversed.length; i++) reversed[i] = h.shape[h.shape.length - 1 - i];
        return NDArray.wrap(data, reversed).transpose().copy();
    }

    private static void decode(ByteBuffer buf, Object data, int n) {
        switch (data) {
            case boolean[] a -> { for (int i = 0; i < n; i++) a[i] = buf.get(i) != 0; }
            case byte[] a -> buf.get(a);
            case short[] a -> buf.asShortBuffer().get(a);
            case int[] a -> buf.asIntBuffer().get(a);
            case long[] a -> buf.asLongBuffer().get(a);
            case float[] a -> buf.asFloatBuffer().get(a);
            case double[] a -> buf.asDoubleBuffer().get(a);
            default -> throw new IllegalStateException();
        }
    }

    // the file's byte order (the buffer's) to the platform's order; a bool is any nonzero byte, stored as 1
    private static void decode(ByteBuffer buf, NativeBuffer b, int n) {
        if (b.dtype() == DType.BOOL) {
            for (int i = 0; i < n; i++) b.setLong(i, buf.get(i));
            return;
        }
        ValueLayout platform = NativeBuffer.layout(b.dtype());
        MemorySegment.copy(MemorySegment.ofBuffer(buf), platform.withOrder(buf.order()), 0, b.segment(), platform, 0, n);
    }

    private static Header header(byte[] b, String name) {
        if (b.length < 10 || !startsWithMagic(b)) {
            throw bad(name, "not a .npy file (bad magic string)");
        }
        int major = b[6] & 0xFF;
        int lenBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw bad(name, "unsupported format version " + major + "." + (b[7] & 0xFF));
        };
        if (b.length < 8 + lenBytes) {
            throw bad(name, "truncated header");
        }
        long len = 0;
        for (int i = lenBytes - 1; i >= 0; i--) len = (len << 8) | (b[8 + i] & 0xFF);
        int start = 8 + lenBytes;
        if (start + len > b.length) {
            throw bad(name, "truncated header: declares " + len + " bytes, file has " + (b.length - start));
        }
        String text = new String(b, start, (int) len, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new HeaderParser(text, name).dict();
        Object descr = dict.get("descr");
        ByteOrder order = descr instanceof String d && d.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return new Header(dtypeOf(descr, name), order, fortranOf(dict.get("fortran_order"), name),
                shapeOf(dict.get("shape"), name), (int) (start + len));
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static DType dtypeOf(Object descr, String name) {
        if (!(descr instanceof String s) || s.length() < 2) {
            throw bad(name, "header has no valid 'descr' (found " + descr + ")");
        }
        char order = s.charAt(0);
        String code = s.substring(1);
        DType t = switch (code) {
            case "b1" -> DType.BOOL;
            case "i1" -> DType.I8;
            case "u1" -> DType.U8;
            case "i2" -> DType.I16;
            case "i4" -> DType.I32;
            case "i8" -> DType.I64;
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            default -> throw bad(name, "unsupported dtype '" + s + "' (supported: bool, i8, i16, i32, i64, u8, f32, f64)");
        };
        if (order != '<' && order != '|' && order != '=' && order != '>') {
            throw bad(name, "unsupported dtype '" + s + "'");
        }
        return t;
    }

    private static boolean fortranOf(Object v, String name) {
        if (!(v instanceof Boolean b)) {
            throw bad(name, "header has no valid 'fortran_order' (found " + v + ")");
        }
        return b;
    }

    private static int[] shapeOf(Object v, String name) {
        if (!(v instanceof List<?> dims)) {
            throw bad(name, "header has no valid 'shape' (found " + v + ")");
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw bad(name, "header has an invalid dimension " + dims.get(i) + " in 'shape'");
            }
            shape[i] = (int) (long) d;
        }
        try {
            Shapes.size(shape);
        } catch (TxRuntimeException e) {
            throw bad(name, e.getMessage());
        }
        return shape;
    }

    private static NpyFormatException bad(String name, String problem) {
        return new NpyFormatException(name + ": " + problem);
    }

    /** Parses the Python dict literal of a header: string keys; string, bool and int-tuple values. */
    private static final class HeaderParser {
        private final String s;
        private final String name;
        private int pos;

        HeaderParser(String s, String name) {
            this.s = s;
            this.name = name;
        }

        Map<String, Object> dict() {
            skip();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            skip();
            while (peek() != '}') {
                Object key = value();
                if (!(key instanceof String k)) {
                    throw fail("dictionary key " + key + " is not a string");
                }
                skip();
                expect(':');
                out.put(k, value());
                skip();
                if (peek() == ',') {
                    pos++;
                    skip();
                } else if (peek() != '}') {
                    throw fail("expected ',' or '}'");
                }
            }
            pos++;
            skip();
            if (pos != s.length()) {
                throw fail("unexpected text after the dictionary");
            }
            return out;
        }

        private Object value() {
            skip();
            char c = peek();
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw fail("unterminated string");
                }
                String v = s.substring(pos + 1, end);
                pos = end + 1;
                return v;
            }
            if (c == '(' || c == '[') {
                return tuple(c == '(' ? ')' : ']');
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            return integer();
        }

        private List<Object> tuple(char close) {
            pos++;
            List<Object> items = new ArrayList<>();
            skip();
            while (peek() != close) {
                items.add(value());
                skip();
                if (peek() == ',') {
                    pos++;
                    skip();
                } else if (peek() != close) {
                    throw fail("expected ',' or '" + close + "'");
                }
            }
            pos++;
            return items;
        }

        private Long integer() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == start || (pos == start + 1 && s.charAt(start) == '-')) {
                throw fail("unexpected character '" + peek() + "'");
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && s.charAt(pos) == 'L') {
                pos++; // Python 2 long suffix
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw fail("integer " + digits + " is too large");
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw fail("unexpected end");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private NpyFormatException fail(String problem) {
            return bad(name, "header is not a valid dictionary literal (" + problem + " at character " + (pos + 1)
                    + "): " + s.strip());
        }
    }

    // ---------------------------------------------------------------- write

    /** Writes {@code a} to {@code file} atomically: a temporary file in the same directory, then a rename. */
    public static void write(Path file, NDArray a) {
        Path abs = file.toAbsolutePath();
        // not Files.createTempFile: its owner-only permissions would survive the rename
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
                + TEMP_COUNTER.incrementAndGet() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(writeBytes(a));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true); // the rename must never expose a file whose data is not on disk yet
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new TxRuntimeException("cannot write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the write already failed; that error is the one worth reporting
        }
    }

    public static void write(OutputStream out, NDArray a) {
        try {
            out.write(writeBytes(a));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a .npy file holding {@code a} in C order: version 1.0 unless the header needs 2.0. */
    public static byte[] writeBytes(NDArray a) {
        NDArray c = a.contiguous();
        String dict = "{'descr': '" + c.dtype().npyDescr() + "', 'fortran_order': False, 'shape': "
                + Shapes.format(c.shape()) + ", }";
        int major = paddedHeaderLength(10, dict) > 0xFFFF ? 2 : 1;
        String header = dict + " ".repeat(paddedHeaderLength(major == 1 ? 10 : 12, dict) - dict.length() - 1) + "\n";
        int total = (major == 1 ? 10 : 12) + header.length();
        ByteArrayOutputStream out = new ByteArrayOutputStream(total + c.size() * c.dtype().itemSize());
        out.writeBytes(MAGIC);
        out.write(major);
        out.write(0);
        int hlen = header.length();
        out.write(hlen & 0xFF);
        out.write((hlen >>> 8) & 0xFF);
        if (major == 2) {
            out.write((hlen >>> 16) & 0xFF);
            out.write((hlen >>> 24) & 0xFF);
        }
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(encode(c));
        return out.toByteArray();
    }

    // the header length (dict, spaces, newline) that makes the data start on a 64-byte boundary
    private static int paddedHeaderLength(int prefix, String dict) {
        return (prefix + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN - prefix;
    }

    private static byte[] encode(NDArray c) {
        return switch (c.buffer()) {
            case HeapBuffer b -> encode(b.array(), c.size(), c.dtype());
            case NativeBuffer b -> encode(b, c.size());
        };
    }

    private static byte[] encode(NativeBuffer b, int n) {
        byte[] out = new byte[n * b.dtype().itemSize()];
        if (b.dtype() == DType.BOOL) {
            for (int i = 0; i < n; i++) out[i] = (byte) (b.getBoolean(i) ? 1 : 0);
            return out;
        }
        ValueLayout platform = NativeBuffer.layout(b.dtype());
        MemorySegment.copy(b.segment(), platform, 0, MemorySegment.ofArray(out), platform.withOrder(ByteOrder.LITTLE_ENDIAN), 0, n);
        return out;
    }

    private static byte[] encode(Object data, int n, DType t) {
        ByteBuffer buf = ByteBuffer.allocate(n * t.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (data) {
            case boolean[] a -> { for (boolean v : a) buf.put((byte) (v ? 1 : 0)); }
            case byte[] a -> buf.put(a);
            case short[] a -> buf.asShortBuffer().put(a);
            case int[] a -> buf.asIntBuffer().put(a);
            case long[] a -> buf.asLongBuffer().put(a);
            case float[] a -> buf.asFloatBuffer().put(a);
            case double[] a -> buf.asDoubleBuffer().put(a);
            default -> throw new IllegalStateException();
        }
        return buf.array();
    }
}
