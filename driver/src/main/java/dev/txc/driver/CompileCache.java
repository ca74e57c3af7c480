package dev.txc.driver;

import dev.txc.jvm.JvmCompiler;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.ModelBundle;
import dev.txc.runtime.model.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The compile cache of {@code txc run} on the JVM, as Theano's compiledir and JAX's persistent compilation cache:
 * what compiling one function of a file gives (its spec, generated classes, the positions of its row parameters, the
 * initial values of the shared variables and the notes printed while compiling) is kept in a file named by a hash of
 * what selects it (txc's build, the file as named and its absolute path, the function, the options). The entry lists
 * every file the compilation read, the sources and the {@code load(...)} files, each with the SHA-256 of its content;
 * a run finds the entry only when every one of them still hashes the same. See DECISIONS.md.
 */
final class CompileCache {
    /** Changes whenever the entry format or what an entry holds changes. */
    private static final String FORMAT = "txc-compile-cache 1";
    /** An entry larger than this (a large data set loaded into a shared variable) is not stored. */
    static final long MAX_ENTRY_BYTES = 32L << 20;
    /** How many entries are kept: storing one deletes the least recently used beyond this. */
    static final int MAX_ENTRIES = 256;
    private static final String SUFFIX = ".txcc";

    /** A class from each jar whose content decides what a compilation gives: txc's modules, ANTLR and ASM. */
    private static final List<Class<?>> BUILD = List.of(Main.class, dev.txc.frontend.Frontend.class,
            dev.txc.grammar.TxParser.class, dev.txc.ir.Module.class, dev.txc.opt.Pipeline.class, JvmCompiler.class,
            dev.txc.cuda.PtxModuleText.class, NDArray.class, dev.txc.types.DType.class,
            org.antlr.v4.runtime.Parser.class, org.objectweb.asm.ClassWriter.class);

    private final Path dir;
    private final String build;

    CompileCache(Path dir, String build) {
        this.dir = dir;
        this.build = build;
    }

    /** A file a compilation read, and the SHA-256 of its content then. */
    record Dep(Path file, String sha256) {}

    /**
     * A compiled function: the spec, the generated classes, the row-parameter positions of each function
     * ({@link RowTiling#rowArgs}, by function name), the initial values in declaration order, the notes the
     * compilation printed, and the files it read.
     */
    record Entry(ModelSpec spec, List<JvmCompiler.Unit> units, Map<String, int[]> rowArgs, List<NDArray> initial,
                 List<String> notes, List<Dep> deps) {}

    /**
     * The cache the environment selects: none when {@code TXC_CACHE} is {@code 0} or when txc does not run from jars
     * (then there is no build to name); else in {@code TXC_CACHE_DIR}, or {@code XDG_CACHE_HOME/txc}, or
     * {@code ~/.cache/txc}.
     */
    static CompileCache fromEnvironment(Map<String, String> env) {
        Path dir = folder(env);
        String build = dir == null ? null : build();
        return build == null ? null : new CompileCache(dir.resolve("compiled"), build);
    }

    /**
     * The cache's folder as {@code env} names it, or null where {@code TXC_CACHE} is {@code 0} or the folder is
     * relative (it would move with the working directory; "?" is the JVM's home for a user who has none).
     */
    static Path folder(Map<String, String> env) {
        if ("0".equals(env.get("TXC_CACHE"))) return null;
        Path dir;
        if (nonEmpty(env.get("TXC_CACHE_DIR"))) dir = Path.of(env.get("TXC_CACHE_DIR"));
        else if (nonEmpty(env.get("XDG_CACHE_HOME"))) dir = Path.of(env.get("XDG_CACHE_HOME"), "txc");
        else dir = Path.of(System.getProperty("user.home", ""), ".cache", "txc");
        return dir.isAbsolute() ? dir : null;
    }

    /** As {@link #fromEnvironment(Map)}, where the system properties {@code txc.cache} and {@code txc.cache.dir} override the variables. */
    static CompileCache fromEnvironment() {
        var env = new java.util.HashMap<>(System.getenv());
        if (System.getProperty("txc.cache") != null) env.put("TXC_CACHE", System.getProperty("txc.cache"));
        if (System.getProperty("txc.cache.dir") != null) env.put("TXC_CACHE_DIR", System.getProperty("txc.cache.dir"));
        return fromEnvironment(env);
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /**
     * What names this build: the JVM, whether vector loops are made and the code generator's other settings, and the
     * path, size and time of each jar of {@link #BUILD}; null when one of them is not a jar (classes in a folder change
     * without a trace).
     */
    static String build() {
        var sb = new StringBuilder(FORMAT).append('\n').append(Runtime.version()).append('\n')
                .append(dev.txc.runtime.VectorSupport.available()).append(' ').append(JvmCompiler.settings()).append('\n');
        for (Class<?> c : BUILD) {
            try {
                Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!Files.isRegularFile(jar)) return null;
                sb.append(jar.toAbsolutePath()).append(' ').append(Files.size(jar)).append(' ')
                        .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }
        return sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    Path dir() {
        return dir;
    }

    /** The key of function {@code fn} of {@code file} ({@code fileArg} as the command line names it) compiled with {@code o}. */
    String key(String fileArg, Path file, String fn, Compiler.Options o) {
        String what = String.join("\n", FORMAT, build, fileArg, file.toAbsolutePath().normalize().toString(), fn,
                o.floatX().spelling(), Integer.toString(o.optLevel()));
        return sha256(what.getBytes(StandardCharsets.UTF_8));
    }

    /** The entry under {@code key}, or null where there is none, a file it read has changed, or it cannot be read. */
    Entry lookup(String key) {
        Path f = dir.resolve(key + SUFFIX);
        try {
            Entry e = read(Files.readAllBytes(f));
            for (Dep d : e.deps()) if (!d.sha256().equals(sha256(d.file()))) return null;
            Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis()));
            return e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Stores {@code e} under {@code key}, written to a temporary file and renamed (a concurrent run reads the old
     * entry or the new one, whole); false where it is too large or cannot be written.
     */
    boolean store(String key, Entry e) {
        try {
            byte[] bytes = write(e);
            if (bytes.length > MAX_ENTRY_BYTES) return false;
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            try {
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, dir.resolve(key + SUFFIX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException x) {
                    Files.move(tmp, dir.resolve(key + SUFFIX), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            evict();
            return true;
        } catch (IOException | RuntimeException x) {
            return false;
        }
    }

    /** Deletes the least recently used entries beyond {@link #MAX_ENTRIES}. */
    private void evict() throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
        }
        if (entries.size() <= MAX_ENTRIES) return;
        var byAge = new ArrayList<>(entries);
        byAge.sort(Comparator.comparing(CompileCache::modified));
        for (Path p : byAge.subList(0, byAge.size() - MAX_ENTRIES)) Files.deleteIfExists(p);
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** The SHA-256 of {@code file}'s content, in hex; a file that cannot be read has none that matches. */
    static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            return "unreadable";
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    // ---- the entry's bytes: DataOutputStream fields in the order of the record ----

    static byte[] write(Entry e) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeUTF(FORMAT);
            blob(out, e.spec().write().getBytes(StandardCharsets.UTF_8));
            out.writeInt(e.units().size());
            for (JvmCompiler.Unit u : e.units()) {
                out.writeUTF(u.className());
                blob(out, u.bytes());
                blob(out, ModelBundle.writePool(u.pool()));
            }
            out.writeInt(e.rowArgs().size());
            for (var r : e.rowArgs().entrySet()) {
                out.writeUTF(r.getKey());
                out.writeInt(r.getValue().length);
                for (int k : r.getValue()) out.writeInt(k);
            }
            out.writeInt(e.initial().size());
            for (NDArray a : e.initial()) blob(out, Npy.writeBytes(a));
            out.writeInt(e.notes().size());
            for (String n : e.notes()) blob(out, n.getBytes(StandardCharsets.UTF_8));
            out.writeInt(e.deps().size());
            for (Dep d : e.deps()) {
                blob(out, d.file().toString().getBytes(StandardCharsets.UTF_8));
                out.writeUTF(d.sha256());
            }
        }
        return bytes.toByteArray();
    }

    static Entry read(byte[] bytes) throws IOException {
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (!FORMAT.equals(in.readUTF())) throw new IOException("not a txc compile cache entry of this format");
            ModelSpec spec = ModelSpec.parse(text(in));
            var units = new ArrayList<JvmCompiler.Unit>();
            for (int n = in.readInt(), k = 0; k < n; k++) {
                String name = in.readUTF();
                units.add(new JvmCompiler.Unit(name, blob(in), ModelBundle.readPool(blob(in), name)));
            }
            var rowArgs = new LinkedHashMap<String, int[]>();
            for (int n = in.readInt(), k = 0; k < n; k++) {
                String fn = in.readUTF();
                int[] args = new int[in.readInt()];
                for (int j = 0; j < args.length; j++) args[j] = in.readInt();
                rowArgs.put(fn, args);
            }
            var initial = new ArrayList<NDArray>();
            for (int n = in.readInt(), k = 0; k < n; k++) initial.add(Npy.readBytes(blob(in), "compile cache entry"));
            var notes = new ArrayList<String>();
            for (int n = in.readInt(), k = 0; k < n; k++) notes.add(text(in));
            var deps = new ArrayList<Dep>();
            for (int n = in.readInt(), k = 0; k < n; k++) deps.add(new Dep(Path.of(text(in)), in.readUTF()));
            if (in.read() != -1) throw new IOException("trailing bytes");
            return new Entry(spec, units, rowArgs, initial, notes, deps);
        }
    }

    private static void blob(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] blob(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("negative length");
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new java.io.EOFException();
        return b;
    }

    private static String text(DataInputStream in) throws IOException {
        return new String(blob(in), StandardCharsets.UTF_8);
    }
}
