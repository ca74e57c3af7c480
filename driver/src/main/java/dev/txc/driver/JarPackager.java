package dev.txc.driver;

import dev.txc.ir.Module;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.model.JarMain;
import dev.txc.runtime.model.ModelBundle;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.types.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Writes a standalone jar: the runtime's classes (and nothing of the compiler), the model's resources
 * ({@link ModelBundle}: spec, generated classes, constant pools, initial state), the facade class compiled from
 * generated Java source (source included), and a manifest whose main class is the runtime's {@link JarMain}. The
 * jar is a function of its inputs only: entries in a fixed order (the manifest, then by name), one fixed timestamp,
 * no absolute paths.
 */
final class JarPackager {
    private JarPackager() {}

    /** Every entry's modification time (the earliest a zip can hold, as reproducible builds use). */
    static final LocalDateTime TIMESTAMP = LocalDateTime.of(1980, 2, 1, 0, 0);
    /** The runtime's classes and the type vocabulary they use: jar entry prefixes, each found through one of its classes. */
    private static final List<Part> RUNTIME = List.of(new Part("dev/txc/runtime/", CompiledFunction.class), new Part("dev/txc/types/", DType.class));

    private record Part(String prefix, Class<?> anchor) {}
    /** The Java release the facade is compiled for: the runtime's, so a jar runs wherever its runtime classes do. */
    private static final String JAVA_RELEASE = "25";

    /** What was written: the facade's fully qualified name and the jar's size in bytes. */
    record Result(String facade, long bytes) {}

    /** The CUDA part of a jar: each function's host plan (with its PTX) by class name, the architecture, the default device. */
    record Cuda(java.util.Map<String, dev.txc.runtime.cuda.plan.HostPlan> plans, String arch, dev.txc.runtime.Device defaultDevice) {}

    /** Packages lowered module {@code m} compiled from {@code source} into the jar {@code target} (written atomically). */
    static Result write(Module m, Path source, Path target) {
        return write(m, source, target, null);
    }

    /**
     * Packages lowered module {@code m} compiled from {@code source} into the jar {@code target} (written atomically),
     * with the CUDA part {@code cuda} (null for a JVM-only jar).
     */
    static Result write(Module m, Path source, Path target, Cuda cuda) {
        String file = source.getFileName().toString();
        String className = FacadeWriter.className(file);
        String prefix = "txc/model/" + className.substring(0, className.length() - "Model".length()).toLowerCase(Locale.ROOT) + "/";
        ModelSpec spec = ModelSpecs.of(m, file);

        var entries = new TreeMap<String, byte[]>();
        entries.putAll(runtimeClasses());
        entries.putAll(ModelBundle.resources(prefix, spec, JvmEngine.classFiles(m), InitialState.values(m)));
        if (cuda != null) entries.putAll(dev.txc.runtime.cuda.CudaBundle.resources(prefix, cuda.plans(), cuda.arch(), cuda.defaultDevice()));
        entries.put(JarMain.MODEL_RESOURCE, (prefix + "\n").getBytes(StandardCharsets.UTF_8));
        String facadeSource = FacadeWriter.source(spec, className, prefix);
        String facadePath = FacadeWriter.PACKAGE.replace('.', '/') + "/" + className;
        entries.put(facadePath + ".java", facadeSource.getBytes(StandardCharsets.UTF_8));
        entries.putAll(compileJava(FacadeWriter.PACKAGE + "." + className, facadeSource));

        byte[] jar = zip(manifest(), entries);
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) {
                try {
                    Files.createDirectories(abs.getParent());
                } catch (java.nio.file.FileAlreadyExistsException e) { // a file where a folder of the path should be
                    throw new java.nio.file.NotDirectoryException(e.getFile());
                }
            }
            Files.write(tmp, jar);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; that error is the one worth reporting
            }
            throw new UserException("cannot write " + target + ": " + dev.txc.runtime.IoErrors.describe(e));
        }
        return new Result(FacadeWriter.PACKAGE + "." + className, jar.length);
    }

    private static byte[] manifest() {
        String version = Main.class.getPackage().getImplementationVersion();
        return ("Manifest-Version: 1.0\r\nMain-Class: " + JarMain.class.getName() + "\r\nEnable-Native-Access: ALL-UNNAMED\r\nCreated-By: txc " + (version == null ? "0.1.0-SNAPSHOT" : version)
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The zip bytes: the manifest first (where JarInputStream looks for it), then {@code entries} in name order. */
    static byte[] zip(byte[] manifest, SortedMap<String, byte[]> entries) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            put(zip, "META-INF/", null);
            put(zip, JarFile.MANIFEST_NAME, manifest);
            for (var e : entries.entrySet()) put(zip, e.getKey(), e.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        var e = new ZipEntry(name);
        // setTimeLocal stores the DOS time as given, so the bytes do not depend on the time zone.
        e.setTimeLocal(TIMESTAMP);
        zip.putNextEntry(e);
        if (data != null) zip.write(data);
        zip.closeEntry();
    }

    /** Where {@code anchor}'s classes come from: a jar, or a classes directory when running from a build tree. */
    static Path location(Class<?> anchor) {
        var src = anchor.getProtectionDomain().getCodeSource();
        if (src == null) throw new IllegalStateException("cannot locate the txc runtime classes (no code source)");
        try {
            return Path.of(src.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the txc runtime classes: " + src.getLocation(), e);
        }
    }

    /** Every entry of the runtime under {@code dev/txc/runtime/} and of the types under {@code dev/txc/types/}. */
    static SortedMap<String, byte[]> runtimeClasses() {
        var out = new TreeMap<String, byte[]>();
        for (Part part : RUNTIME) out.putAll(entries(part.prefix(), location(part.anchor())));
        if (!out.containsKey("dev/txc/runtime/model/JarMain.class")) throw new IllegalStateException("no txc runtime classes in " + location(CompiledFunction.class));
        return out;
    }

    /** Every entry under {@code prefix} in the jar or classes directory {@code loc}. */
    private static SortedMap<String, byte[]> entries(String prefix, Path loc) {
        var out = new TreeMap<String, byte[]>();
        try {
            if (Files.isDirectory(loc)) {
                Path root = loc.resolve(prefix);
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path p : files.filter(Files::isRegularFile).toList()) out.put(prefix + root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            } else {
                try (var jar = new JarFile(loc.toFile())) {
                    for (var e : java.util.Collections.list(jar.entries())) {
                        if (e.isDirectory() || !e.getName().startsWith(prefix)) continue;
                        try (var in = jar.getInputStream(e)) {
                            out.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the txc runtime classes from " + loc + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Compiles one source file against the runtime with the JDK's compiler; returns class files by jar entry name. */
    static SortedMap<String, byte[]> compileJava(String className, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null)
            throw new UserException("txc compile needs a JDK, not just a JRE: the facade class is compiled with the JDK's compiler (javax.tools), which "
                    + System.getProperty("java.home") + " lacks");
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        var classes = new TreeMap<String, byte[]>();
        try (var std = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            std.setLocationFromPaths(StandardLocation.CLASS_PATH, RUNTIME.stream().map(part -> location(part.anchor())).distinct().toList());
            JavaFileManager files = new ForwardingJavaFileManager<>(std) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                    String entry = name.replace('.', '/') + kind.extension;
                    return new SimpleJavaFileObject(URI.create("mem:///" + entry), kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            return new ByteArrayOutputStream() {
                                @Override
                                public void close() {
                                    classes.put(entry, toByteArray());
                                }
                            };
                        }
                    };
                }
            };
            var unit = new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            var options = List.of("--release", JAVA_RELEASE, "-proc:none", "-implicit:none", "-Xlint:none", "-nowarn");
            Boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
            if (!Boolean.TRUE.equals(ok)) {
                var sb = new StringBuilder("the generated facade " + className + " does not compile:");
                for (var d : diagnostics.getDiagnostics()) sb.append("\n  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
                throw new IllegalStateException(sb.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }
}
