package dev.txc.spark;

import dev.txc.runtime.model.JarMain;
import dev.txc.runtime.model.ModelBundle;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;

/**
 * A model jar written by {@code txc compile}, as tasks find it: by its resource prefix on the class path (a jar given
 * to {@code spark-submit --jars} or added with {@code SparkContext.addJar}), else at its path (a local run, or a path
 * every node can read). Serializable, so that it travels with a task; each JVM loads a model once.
 */
public record ModelRef(String jar, String prefix) implements Serializable {
    private static final Map<ModelRef, ModelBundle.Loaded> LOADED = new ConcurrentHashMap<>();

    /** The model in jar {@code jar}. */
    public static ModelRef of(Path jar) {
        if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("no model jar at " + jar);
        try (var j = new JarFile(jar.toFile())) {
            var e = j.getEntry(JarMain.MODEL_RESOURCE);
            if (e == null) throw new IllegalArgumentException(jar + " is not a jar written by txc compile (it has no " + JarMain.MODEL_RESOURCE + ")");
            String prefix = new String(j.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8).strip();
            return new ModelRef(jar.toAbsolutePath().toString(), prefix);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read model jar " + jar, ex);
        }
    }

    /** The compiled model (functions and initial state), loaded once per JVM. */
    public ModelBundle.Loaded load() {
        return LOADED.computeIfAbsent(this, r -> ModelBundle.load(r.resources(), r.prefix));
    }

    private ClassLoader resources() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context.getResource(prefix + "model.txt") != null) return context;
        try {
            return new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open model jar " + jar, e);
        }
    }
}
