package dev.txc.driver;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * Prints the whole class path of a jar: the jar, then every jar its manifest's {@code Class-Path} names (transitively,
 * each once, in the order the JVM's application class loader searches them), absolute and separated by the platform's
 * path separator. bin/txc runs this once per build: a JDK AOT cache records only classes from jars named on
 * {@code -cp}, not from those reached through a manifest, so the CLI starts with this list when it uses the cache.
 * Entries that do not exist are left out, as the class loader skips them.
 */
public final class LaunchClassPath {
    private LaunchClassPath() {}

    /**
     * {@code LaunchClassPath JAR [DIR]}: prints JAR's class path; with DIR, JAR's place in it is taken by a copy in DIR
     * whose manifest has no Class-Path. The JVM reads the manifest of every jar on {@code -cp} and searches the jars
     * it names right after that jar, before the rest of {@code -cp}: the driver's manifest names the other modules'
     * copies in the local Maven repository, which would shadow this checkout's jars listed after it.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 2) {
            System.err.println("usage: LaunchClassPath JAR [DIR]");
            System.exit(2);
        }
        List<Path> cp = of(Path.of(args[0]));
        if (args.length == 2) cp.set(0, withoutClassPath(cp.getFirst(), Path.of(args[1])));
        System.out.println(String.join(java.io.File.pathSeparator, cp.stream().map(Path::toString).toList()));
    }

    /** A copy of {@code jar} in {@code dir} (same file name) whose manifest names no Class-Path, written atomically. */
    static Path withoutClassPath(Path jar, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.toAbsolutePath().resolve(jar.getFileName()), tmp = Files.createTempFile(dir, "launch", ".jar");
        try (var in = new JarFile(jar.toFile()); var os = Files.newOutputStream(tmp)) {
            var m = in.getManifest() == null ? new java.util.jar.Manifest() : new java.util.jar.Manifest(in.getManifest());
            m.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
            m.getMainAttributes().remove(Attributes.Name.CLASS_PATH);
            try (var jo = new java.util.jar.JarOutputStream(os, m)) {
                for (var e : java.util.Collections.list(in.entries())) {
                    if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) continue;
                    jo.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                    try (var data = in.getInputStream(e)) {
                        data.transferTo(jo);
                    }
                    jo.closeEntry();
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The jar and what its manifest reaches, absolute, each once. txc's own modules are taken from this checkout
     * ({@code MODULE/target/txc-MODULE-VERSION.jar} beside the driver's folder) where the manifest names the copy
     * 'install' put in the local Maven repository: another checkout's install replaces that copy, and its classes
     * would run here.
     */
    static List<Path> of(Path jar) throws IOException {
        Path driver = jar.toAbsolutePath().normalize();
        Path root = driver.getParent() == null || driver.getParent().getParent() == null ? null : driver.getParent().getParent().getParent();
        Set<Path> seen = new LinkedHashSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(driver));
        while (!todo.isEmpty()) {
            Path p = local(todo.removeFirst(), root);
            if (!Files.isRegularFile(p) || !seen.add(p)) continue;
            List<Path> next = manifestClassPath(p);
            for (int k = next.size() - 1; k >= 0; k--) todo.addFirst(next.get(k));
        }
        return new ArrayList<>(seen);
    }

    /** .../dev/txc/txc-NAME/VERSION/txc-NAME-VERSION.jar as ROOT/NAME/target/txc-NAME-VERSION.jar when that exists. */
    private static Path local(Path p, Path root) {
        int n = p.getNameCount();
        if (root == null || n < 5 || !p.getName(n - 5).toString().equals("dev") || !p.getName(n - 4).toString().equals("txc")) return p;
        String artifact = p.getName(n - 3).toString();
        if (!artifact.startsWith("txc-")) return p;
        Path mine = root.resolve(artifact.substring(4)).resolve("target").resolve(p.getFileName());
        return Files.isRegularFile(mine) ? mine : p;
    }

    /** The entries of {@code jar}'s Class-Path attribute, resolved against the jar's folder (none without one). */
    private static List<Path> manifestClassPath(Path jar) throws IOException {
        try (var f = new JarFile(jar.toFile())) {
            var m = f.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null || cp.isBlank()) return List.of();
            URI base = jar.getParent().toUri();
            var out = new ArrayList<Path>();
            for (String e : cp.trim().split("\\s+")) {
                URI u = base.resolve(e);
                if ("file".equals(u.getScheme())) out.add(Path.of(u).normalize());
            }
            return out;
        }
    }
}
