package dev.txc.frontend;

import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.Parsing;
import dev.txc.frontend.ast.SourceFile;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.ir.SourceSpan;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@code .tx} file and its imports into an IR {@link Module}: parses, resolves names, checks
 * types and shapes, and lowers every function, reporting every error of every file.
 */
public final class Frontend {
    /** Compile-time settings. */
    public record Options(DType floatX) {
        public static Options defaults() {
            return new Options(DType.F64);
        }
    }

    /**
     * The module (null when there were errors), every diagnostic, and the source lines of every file read.
     * {@code usable} holds the shared variables and the functions that compiled; it is null when an error outside
     * function bodies (syntax, imports, declarations) blocks the whole file. {@code functionErrors} gives, for every
     * function in source order, the errors that block it: its own and those of the functions it calls (none when it
     * compiled).
     */
    public record Compilation(Module module, List<Diagnostic> diagnostics, Map<String, List<String>> sources,
                              Module usable, Map<String, List<Diagnostic>> functionErrors) {
        public boolean ok() {
            return diagnostics.isEmpty();
        }
    }

    final Options options;
    final List<Diagnostic> diagnostics = new ArrayList<>();
    final Map<String, List<String>> sources = new LinkedHashMap<>();
    final Map<String, Item.FnDecl> functions = new LinkedHashMap<>();
    final Map<String, Value> consts = new LinkedHashMap<>();
    final Map<String, SharedVar> shared = new LinkedHashMap<>();
    /** Shared variables whose initializer failed (reported): their declared types, so uses report no cascade of errors. */
    final Map<String, TensorType> failedShared = new LinkedHashMap<>();
    /** Consts and shared variables whose declaration failed (reported there): a use is poison, not "unknown name". */
    final Set<String> failedDecls = new HashSet<>();
    private final Map<String, List<Diagnostic>> functionErrors = new LinkedHashMap<>();
    private Module usable;
    private final Map<String, SourceSpan> definedAt = new LinkedHashMap<>();
    private final Set<Path> loaded = new HashSet<>();
    private SourceReader reader = Files::readString;
    private final List<Item> items = new ArrayList<>();

    private Frontend(Options options) {
        this.options = options;
    }

    /** A frontend with no source, whose lowering rules the embedding API applies to values it builds. */
    static Frontend forEmbedding(Options options) {
        return new Frontend(options);
    }

    /** Reads a source file; the message of its IOException is the reason in words ("no such file"). */
    @FunctionalInterface
    public interface SourceReader {
        String read(Path file) throws IOException;
    }

    public static Compilation compileFile(Path file, Options options) {
        return compileFile(file, options, Files::readString);
    }

    /** Compiles {@code file}, reading it and its imports with {@code reader}. */
    public static Compilation compileFile(Path file, Options options, SourceReader reader) {
        var fe = new Frontend(options);
        fe.reader = reader;
        String text;
        try {
            text = reader.read(file);
        } catch (IOException e) {
            fe.diagnostics.add(Diagnostic.error(null, "cannot read " + file + ": " + e.getMessage()));
            return fe.result(null);
        }
        return fe.compile(file.toString(), text);
    }

    /** Compiles source text; {@code fileName} names it in messages and anchors relative imports and loads. */
    public static Compilation compileText(String fileName, String text, Options options) {
        return new Frontend(options).compile(fileName, text);
    }

    private Compilation compile(String fileName, String text) {
        collect(fileName, text, new ArrayList<>());
        if (!diagnostics.isEmpty()) return result(null);
        register();
        boolean declarationsOk = diagnostics.isEmpty();
        var fns = new ArrayList<Function>();
        for (Item.FnDecl fn : functions.values()) {
            int before = diagnostics.size();
            Function f = Lowerer.lowerFunction(this, fn);
            if (f != null) fns.add(f);
            functionErrors.put(fn.name().name(), sorted(diagnostics.subList(before, diagnostics.size())));
        }
        Module m = new Module(List.copyOf(shared.values()), fns);
        if (declarationsOk) usable = m;
        return result(diagnostics.isEmpty() ? m : null);
    }

    private Compilation result(Module m) {
        return new Compilation(m, sorted(diagnostics), sources, usable, java.util.Collections.unmodifiableMap(functionErrors));
    }

    /**
     * In source order, each error once: a function that calls a broken one inlines its body and meets the same
     * errors again, which are reported at the callee, where they are.
     */
    private static List<Diagnostic> sorted(List<Diagnostic> ds) {
        return ds.stream().distinct()
                .sorted(java.util.Comparator.comparing((Diagnostic d) -> d.span() == null ? "" : d.span().file())
                        .thenComparingInt(d -> d.span() == null ? 0 : d.span().line())
                        .thenComparingInt(d -> d.span() == null ? 0 : d.span().col()))
                .toList();
    }

    /** Parses a file and, depth first, its imports; items land in dependency order. */
    private void collect(String fileName, String text, List<Path> chain) {
        Path key = Path.of(fileName).toAbsolutePath().normalize();
        if (!loaded.add(key)) return;
        sources.put(fileName, lines(text));
        var parsed = Parsing.parse(fileName, text);
        diagnostics.addAll(parsed.diagnostics());
        if (!parsed.ok()) return;
        SourceFile file = parsed.ast();
        chain.add(key);
        for (Item item : file.items()) {
            if (item instanceof Item.Import imp) importFile(fileName, imp, chain);
            else items.add(item);
        }
        chain.removeLast();
    }

    /**
     * The lines as the lexer counts them, which diagnostics refer to: only {@code \n} ends a line (a lone {@code \r}
     * separates statements but, as in the ANTLR lexer's positions, does not start a new line).
     */
    private static List<String> lines(String text) {
        var out = new ArrayList<String>();
        for (String line : text.split("\n", -1)) out.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        if (out.size() > 1 && out.getLast().isEmpty()) out.removeLast();
        return out;
    }

    private void importFile(String fromFile, Item.Import imp, List<Path> chain) {
        Path base = Path.of(fromFile).toAbsolutePath().getParent();
        Path target = base.resolve(imp.path()).normalize();
        if (chain.contains(target)) {
            diagnostics.add(Diagnostic.error(imp.span(), "circular import of \"" + imp.path() + "\""));
            return;
        }
        if (loaded.contains(target)) return;
        String text;
        try {
            text = reader.read(target);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            diagnostics.add(Diagnostic.error(imp.span(), "cannot import \"" + imp.path() + "\": " + target + ": " + why));
            return;
        }
        Path rel = Path.of("").toAbsolutePath().relativize(target);
        collect(rel.toString().startsWith("..") ? target.toString() : rel.toString(), text, chain);
    }

    private void register() {
        for (Item item : items) {
            switch (item) {
                case Item.Import imp -> { }
                case Item.ConstDecl c -> {
                    if (define(c.name().name(), c.name().span())) {
                        Value v = Lowerer.lowerConst(this, c);
                        consts.put(c.name().name(), v);
                        if (v instanceof Value.Poison) failedDecls.add(c.name().name());
                    }
                }
                case Item.SharedDecl s -> {
                    if (define(s.name().name(), s.name().span())) {
                        SharedVar v = Lowerer.lowerShared(this, s);
                        if (v != null) shared.put(v.name(), v);
                        else failedDecls.add(s.name().name());
                    }
                }
                case Item.FnDecl f -> {
                    if (define(f.name().name(), f.name().span())) functions.put(f.name().name(), f);
                }
            }
        }
    }

    /** The declared type of a shared variable, or null when there is none of that name. */
    TensorType sharedType(String name) {
        SharedVar s = shared.get(name);
        return s != null ? s.type() : failedShared.get(name);
    }

    private boolean define(String name, SourceSpan at) {
        SourceSpan first = definedAt.putIfAbsent(name, at);
        if (first == null) return true;
        diagnostics.add(Diagnostic.error(at, "'" + name + "' is defined twice").withNote(first, "first defined here"));
        return false;
    }
}
