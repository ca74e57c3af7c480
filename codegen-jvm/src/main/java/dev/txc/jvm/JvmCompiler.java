package dev.txc.jvm;

import dev.txc.ir.Function;
import dev.txc.runtime.CompiledFunction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.TraceClassVisitor;

/** Compiles IR functions to JVM classes (one per function) and loads them. */
public final class JvmCompiler {
    private JvmCompiler() {}

    /** A generated class: its internal name, bytes, and the constant pool its constructor takes. */
    public record Unit(String className, byte[] bytes, Object[] pool) {}

    /** The package generated classes live in. */
    public static final String PACKAGE = "txc/generated/";

    /**
     * Compiles f, whose differentiation ops must have been expanded; {@code sharedNames} fixes the order in which
     * the module's shared variables are passed to {@code call}.
     */
    public static Unit compile(Function f, List<String> sharedNames) {
        return compile(f, sharedNames, dev.txc.runtime.VectorSupport.available());
    }

    /**
     * The settings besides its arguments that what {@link #compile} generates depends on (system properties read by
     * the emitters), for caches of generated classes to key on.
     */
    public static String settings() {
        return "txc.vector.minrow=" + KernelEmitter.minRow + " txc.profile=" + dev.txc.runtime.Profile.enabled();
    }

    /**
     * As {@link #compile(Function, List)}; {@code vectors} gives kernels vector loops (jdk.incubator.vector), which
     * only a JVM with that module can load: classes for standalone jars are compiled without them.
     */
    public static Unit compile(Function f, List<String> sharedNames, boolean vectors) {
        String name = className(f.name());
        try {
            var out = FunctionEmitter.emit(f, name, sharedNames, vectors);
            return new Unit(name, out.bytes(), out.pool());
        } catch (org.objectweb.asm.MethodTooLargeException | org.objectweb.asm.ClassTooLargeException e) {
            // Methods are split to fit; only a class beyond the JVM's limits (65535 constants) gets here.
            var at = f.outputs().isEmpty() ? null : f.locs().get(f.outputs().getFirst().value());
            throw new dev.txc.ir.CompileException(dev.txc.ir.Diagnostic.error(at,
                    "function " + f.name() + " is too large for the JVM backend (" + e.getMessage() + "); split it into smaller functions"));
        }
    }

    /** Names longer than this are shortened in class names (the JVM's constant pool holds at most 65,535 bytes). */
    private static final int MAX_NAME = 200;

    /**
     * The internal name of the class generated for the function (or default) named {@code fn}: {@code Fn_<fn>}, or for
     * a very long name its first characters and a SHA-256 digest of the whole, so that distinct names stay distinct.
     */
    public static String className(String fn) {
        if (fn.length() <= MAX_NAME) return PACKAGE + "Fn_" + fn;
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(fn.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return PACKAGE + "Fn_" + fn.substring(0, 100) + "$" + java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Defines the class in a fresh loader and instantiates it with its pool. */
    public static CompiledFunction load(Unit u) {
        var loader = new Loader(CompiledFunction.class.getClassLoader());
        Class<?> c = loader.define(u.className().replace('/', '.'), u.bytes());
        try {
            return (CompiledFunction) c.getConstructor(Object[].class).newInstance((Object) u.pool());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate generated class " + u.className(), e);
        }
    }

    /** The class as readable bytecode text (ASM's Textifier). */
    public static String textify(byte[] bytes) {
        var sw = new StringWriter();
        new ClassReader(bytes).accept(new TraceClassVisitor(new PrintWriter(sw)), 0);
        return sw.toString();
    }

    private static final class Loader extends ClassLoader {
        Loader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
