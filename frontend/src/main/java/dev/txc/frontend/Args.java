package dev.txc.frontend;

import dev.txc.frontend.ast.Expr;
import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.KeywordArg;
import dev.txc.frontend.ast.Param;
import dev.txc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lowered arguments of one call, bound to parameter names; binding errors point at the offending argument.
 * Built from a call in the source ({@link #lower}) or from values the embedding API already lowered ({@link #of}).
 */
final class Args {
    private final String name;
    private final SourceSpan span;
    private final List<Value> pos = new ArrayList<>();
    private final List<SourceSpan> posSpans = new ArrayList<>();
    private final Map<String, Value> kw = new LinkedHashMap<>();
    private final Map<String, SourceSpan> kwSpans = new HashMap<>();
    private final Map<String, SourceSpan> spans = new HashMap<>();

    private Args(String name, SourceSpan span) {
        this.name = name;
        this.span = span;
    }

    /** Lowers the arguments of a call in the source, each with its own span. */
    static Args lower(Lowerer l, Expr.Call c) {
        var a = new Args(c.callee().name(), c.span());
        for (Expr e : c.args()) {
            a.pos.add(l.expr(e));
            a.posSpans.add(e.span());
        }
        for (KeywordArg k : c.kwargs()) {
            if (a.kw.containsKey(k.name().name())) throw new FrontendError(k.name().span(), "keyword argument '" + k.name().name() + "' given twice");
            a.kw.put(k.name().name(), l.expr(k.value()));
            a.kwSpans.put(k.name().name(), k.value().span());
        }
        return a;
    }

    /** Arguments already lowered (by the embedding API); every argument is located at the call's span. */
    static Args of(String name, SourceSpan span, List<Value> positional, Map<String, Value> keywords) {
        var a = new Args(name, span);
        for (Value v : positional) {
            a.pos.add(v);
            a.posSpans.add(span);
        }
        keywords.forEach((k, v) -> {
            a.kw.put(k, v);
            a.kwSpans.put(k, span);
        });
        return a;
    }

    /** The number of positional arguments. */
    int pos() {
        return pos.size();
    }

    String name() {
        return name;
    }

    SourceSpan span() {
        return span;
    }

    /** The span of the argument bound to {@code param}, or of the whole call when it was not given. */
    SourceSpan spanOf(String param) {
        return spans.getOrDefault(param, span);
    }

    /**
     * Binds positional then keyword arguments to {@code params}; a name ending in '?' is optional.
     * Returns the values by name (absent optional ones are missing from the map).
     */
    Map<String, Value> bind(String... params) {
        var names = new ArrayList<String>();
        var required = new ArrayList<String>();
        for (String p : params) {
            boolean opt = p.endsWith("?");
            String n = opt ? p.substring(0, p.length() - 1) : p;
            names.add(n);
            if (!opt) required.add(n);
        }
        var out = bindTo(names);
        for (String r : required)
            if (!out.containsKey(r)) throw new FrontendError(span, name() + "() is missing its argument '" + r + "' (" + signature(params) + ")");
        return out;
    }

    Map<String, Value> bindUser(Item.FnDecl g) {
        return bindTo(g.params().stream().map(Param::name).map(dev.txc.frontend.ast.Ident::name).toList());
    }

    private Map<String, Value> bindTo(List<String> names) {
        if (pos.size() > names.size())
            throw new FrontendError(posSpans.get(names.size()), name() + "() takes " + names.size() + " argument" + (names.size() == 1 ? "" : "s") + " but " + pos.size() + " were given");
        var out = new LinkedHashMap<String, Value>();
        for (int k = 0; k < pos.size(); k++) {
            out.put(names.get(k), pos.get(k));
            spans.put(names.get(k), posSpans.get(k));
        }
        for (var e : kw.entrySet()) {
            if (!names.contains(e.getKey()))
                throw new FrontendError(kwSpans.get(e.getKey()), name() + "() has no parameter '" + e.getKey() + "' (parameters: " + String.join(", ", names) + ")");
            if (out.containsKey(e.getKey()))
                throw new FrontendError(kwSpans.get(e.getKey()), name() + "() got argument '" + e.getKey() + "' twice");
            out.put(e.getKey(), e.getValue());
            spans.put(e.getKey(), kwSpans.get(e.getKey()));
        }
        return out;
    }

    private String signature(String... params) {
        return name() + "(" + String.join(", ", List.of(params)).replace("?", "=...") + ")";
    }
}
