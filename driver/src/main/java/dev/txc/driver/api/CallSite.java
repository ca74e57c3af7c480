package dev.txc.driver.api;

import dev.txc.ir.Diagnostic;
import dev.txc.ir.Node;
import dev.txc.ir.SourceSpan;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Where in the caller's code an expression was built: the first stack frame outside the API (and the Kotlin DSL),
 * as a span with column 0 (the JVM knows only lines). Nodes remember their first call site weakly, so a function's
 * diagnostics (a disconnected grad) point at the user's line.
 */
final class CallSite {
    private CallSite() {}

    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final Map<Node, SourceSpan> SITES = Collections.synchronizedMap(new WeakHashMap<>());

    /** The API's own classes (and the Kotlin DSL's), whose frames are skipped. */
    private static final java.util.Set<String> API = java.util.Set.of("Tx", "Expr", "Shared", "TxFunction", "FunctionScope", "FunctionBody",
            "Evaluation", "Definition", "Values", "CallSite", "Outputs", "TxException");

    private static boolean inApi(String className) {
        int dollar = className.indexOf('$');
        String c = dollar < 0 ? className : className.substring(0, dollar);
        if (c.startsWith("dev.txc.dsl.")) return true;
        return c.startsWith("dev.txc.driver.api.") && API.contains(c.substring("dev.txc.driver.api.".length()));
    }

    static SourceSpan here() {
        return WALKER.walk(frames -> frames
                .filter(f -> !inApi(f.getClassName()))
                .findFirst()
                .map(f -> new SourceSpan(f.getFileName() == null ? f.getClassName() : f.getFileName(), Math.max(f.getLineNumber(), 0), 0,
                        Math.max(f.getLineNumber(), 0), 0))
                .orElse(null));
    }

    static void record(Node n, SourceSpan at) {
        if (at != null) SITES.putIfAbsent(n, at);
    }

    static SourceSpan of(Node n) {
        return SITES.get(n);
    }

    /** {@code File.kt:12: message}, or the message alone where the place is unknown. */
    static String format(Diagnostic d) {
        SourceSpan s = d.span();
        return s == null ? d.message() : s.file() + ":" + s.line() + ": " + d.message();
    }

    /** Where in the caller's code each node the roots depend on was built, where known. */
    static Map<Node, SourceSpan> locations(java.util.List<Node> roots) {
        var locs = new java.util.LinkedHashMap<Node, SourceSpan>();
        for (Node n : dev.txc.ir.Graphs.reachable(roots)) {
            SourceSpan s = of(n);
            if (s != null) locs.put(n, s);
        }
        return locs;
    }
}
