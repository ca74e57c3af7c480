package dev.txc.cuda.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits PTX text into tokens and groups them into module directives, functions and their statements. */
final class PtxParser {
    record Tok(String s, int line) {
        boolean is(String t) {
            return s.equals(t);
        }
    }

    /** An operand as written. */
    sealed interface Opd {
        int line();
    }

    /** A name: register, special register, label, function or variable. {@code neg} for {@code !%p}. */
    record Name(String name, boolean neg, int line) implements Opd {}

    /** A number as written (sign included). */
    record Num(String text, int line) implements Opd {}

    /** {@code {a, b, ...}} */
    record Vec(List<Opd> elems, int line) implements Opd {}

    /** {@code [base+offset]}; base is a name or null (absolute address). */
    record Addr(String base, long offset, int line) implements Opd {}

    /** {@code a|b} (setp's two destinations). */
    record Pair(String a, String b, int line) implements Opd {}

    /** {@code (a, b)} of a call. */
    record Paren(List<Opd> elems, int line) implements Opd {}

    /** One instruction: optional guard, opcode with its suffixes, operands. */
    record Ins(String guard, boolean guardNeg, String opcode, List<Opd> ops, int line) {}

    /** A variable: .reg/.param/.local/.shared/.global/.const, with its element type, count and initializer. */
    record Var(String space, Ty ty, String name, long count, boolean array, int align, List<Opd> init, int line) {
        long bytes() {
            return ty.bytes() * Math.max(count, 1);
        }
    }

    /** A .entry or .func: its return parameters, parameters, declarations and body (instructions and labels). */
    static final class FnDecl {
        String name;
        boolean entry;
        int line;
        final List<Var> rets = new ArrayList<>();
        final List<Var> params = new ArrayList<>();
        final List<Var> vars = new ArrayList<>();
        final List<Ins> body = new ArrayList<>();
        final Map<String, Integer> labels = new LinkedHashMap<>();
        boolean defined;
    }

    static final class ModuleDecl {
        final List<Var> vars = new ArrayList<>();
        final Map<String, FnDecl> fns = new LinkedHashMap<>();
        final String[] lines;

        ModuleDecl(String[] lines) {
            this.lines = lines;
        }
    }

    private final List<Tok> toks;
    private final String[] lines;
    private int p;

    private PtxParser(String text) {
        this.lines = text.split("\n", -1);
        this.toks = lex(text);
    }

    static ModuleDecl parse(String text) {
        PtxParser ps = new PtxParser(text);
        ModuleDecl m = new ModuleDecl(ps.lines);
        ps.module(m);
        return m;
    }

    // ---------------------------------------------------------------- lexer

    private List<Tok> lex(String s) {
        List<Tok> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) throw err(line, "unterminated comment");
                for (int k = i; k < end; k++) if (s.charAt(k) == '\n') line++;
                i = end + 2;
            } else if (c == '"') {
                int end = s.indexOf('"', i + 1);
                if (end < 0) throw err(line, "unterminated string");
                out.add(new Tok(s.substring(i, end + 1), line));
                i = end + 1;
            } else if (Character.isDigit(c)) {
                int j = i;
                boolean prefixed = c == '0' && i + 1 < n && "xXfFdDbB".indexOf(s.charAt(i + 1)) >= 0;
                while (j < n) {
                    char d = s.charAt(j);
                    if (Character.isLetterOrDigit(d) || d == '.' || d == '_') j++;
                    else if (!prefixed && (d == '+' || d == '-') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E')) j++;
                    else break;
                }
                out.add(new Tok(s.substring(i, j), line));
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == '$' || c == '%' || c == '.') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || "_$.".indexOf(s.charAt(j)) >= 0)) j++;
                out.add(new Tok(s.substring(i, j), line));
                i = j;
            } else if ("{}()[],;:+-!@<>=|".indexOf(c) >= 0) {
                out.add(new Tok(String.valueOf(c), line));
                i++;
            } else {
                throw err(line, "unexpected character '" + c + "'");
            }
        }
        out.add(new Tok("<eof>", line));
        return out;
    }

    // ---------------------------------------------------------------- parser helpers

    private PtxSimException err(int line, String msg) {
        return PtxSimException.at(line, line >= 1 && line <= lines.length ? lines[line - 1] : null, msg);
    }

    private Tok peek() {
        return toks.get(p);
    }

    private Tok next() {
        return toks.get(p++);
    }

    private boolean accept(String s) {
        if (peek().is(s)) {
            p++;
            return true;
        }
        return false;
    }

    private Tok expect(String s) {
        Tok t = next();
        if (!t.is(s)) throw err(t.line, "expected '" + s + "' but found '" + t.s + "'");
        return t;
    }

    private String ident() {
        Tok t = next();
        if (!isName(t.s)) throw err(t.line, "expected a name but found '" + t.s + "'");
        return t.s;
    }

    private static boolean isName(String s) {
        char c = s.charAt(0);
        return Character.isLetter(c) || c == '_' || c == '$' || c == '%';
    }

    private long intLit() {
        Tok t = next();
        boolean neg = false;
        if (t.is("-")) {
            neg = true;
            t = next();
        }
        Long v = parseInt(t.s);
        if (v == null) throw err(t.line, "expected an integer but found '" + t.s + "'");
        return neg ? -v : v;
    }

    /** An integer literal (decimal, 0x hex, 0b binary, leading-0 octal, optional U suffix), or null. */
    static Long parseInt(String s) {
        String t = s.endsWith("U") || s.endsWith("u") ? s.substring(0, s.length() - 1) : s;
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) return Long.parseUnsignedLong(t.substring(2), 16);
            if (t.startsWith("0b") || t.startsWith("0B")) return Long.parseUnsignedLong(t.substring(2), 2);
            if (t.length() > 1 && t.startsWith("0") && t.chars().allMatch(ch -> ch >= '0' && ch <= '7'))
                return Long.parseUnsignedLong(t.substring(1), 8);
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) return Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    // ---------------------------------------------------------------- module level

    private void module(ModuleDecl m) {
        while (!peek().is("<eof>")) {
            Tok t = peek();
            switch (t.s) {
                case ".version", ".address_size" -> {
                    next();
                    next();
                }
                case ".target" -> {
                    next();
                    do next(); while (accept(","));
                }
                case ".visible", ".weak", ".extern", ".entry", ".func", ".global", ".const", ".shared" -> topDecl(m);
                case ".file" -> skipLine();
                case ".section" -> skipStatement();
                default -> throw err(t.line, "unsupported module-level directive '" + t.s + "'");
            }
        }
    }

    /** Debug directives ({@code .loc 1 5 10}, {@code .file 1 "a.cu"}) end with their line, not with ';'. */
    private void skipLine() {
        int line = next().line;
        while (peek().line == line && !peek().is("<eof>")) next();
        accept(";");
    }

    private void skipStatement() {
        while (!peek().is(";") && !peek().is("<eof>")) {
            if (peek().is("{")) {
                int depth = 0;
                do {
                    if (peek().is("{")) depth++;
                    if (peek().is("}")) depth--;
                    next();
                } while (depth > 0);
                return;
            }
            next();
        }
        accept(";");
    }

    private void topDecl(ModuleDecl m) {
        boolean ext = false;
        while (peek().is(".visible") || peek().is(".weak") || peek().is(".extern")) {
            if (next().is(".extern")) ext = true;
        }
        Tok t = peek();
        switch (t.s) {
            case ".entry", ".func" -> function(m);
            case ".global", ".const", ".shared" -> {
                Var v = var(t.s.substring(1), ext);
                expect(";");
                m.vars.add(v);
            }
            default -> throw err(t.line, "unsupported declaration '" + t.s + "'");
        }
    }

    /** {@code .space [.align N] [.v2/.v4] .type name[N]? [= init]}, positioned at the space word. */
    private Var var(String space, boolean ext) {
        Tok first = next();
        int align = 0;
        Ty ty = null;
        int vec = 1;
        while (peek().s.startsWith(".")) {
            Tok w = next();
            if (w.is(".align")) align = (int) intLit();
            else if (w.is(".v2")) vec = 2;
            else if (w.is(".v4")) vec = 4;
            else if (w.s.startsWith(".ptr")) { // .ptr.global.align 16 (one token up to the number), or .ptr .align 16
                if (w.s.endsWith(".align")) intLit();
                else if (peek().is(".align")) {
                    next();
                    intLit();
                }
            } else if (Ty.of(w.s.substring(1)) != null) ty = Ty.of(w.s.substring(1));
            else if (w.s.equals(".global") || w.s.equals(".shared") || w.s.equals(".const") || w.s.equals(".local")) {
                // .ptr.space attributes of a kernel parameter
            } else throw err(w.line, "unsupported variable attribute '" + w.s + "'");
        }
        if (ty == null) throw err(first.line, "a ." + space + " declaration needs a type");
        if (ty == Ty.F16) throw err(first.line, ".f16 variables are not supported");
        String name = ident();
        long count = 0;
        boolean array = false;
        if (accept("<")) {
            count = intLit();
            expect(">");
            // a register range: name0 .. name(count-1)
            return new Var(space, ty, name + "<>", count, false, 0, List.of(), first.line);
        }
        if (accept("[")) {
            array = true;
            if (!peek().is("]")) count = intLit();
            else if (!ext) throw err(first.line, "an array without a size must be .extern");
            expect("]");
        }
        count *= vec;
        if (vec > 1 && !array) {
            count = vec;
            array = true;
        }
        List<Opd> init = List.of();
        if (accept("=")) init = initializer();
        if (align == 0) align = ty.bytes();
        return new Var(space, ty, name, array ? count : 1, array, align, init, first.line);
    }

    private List<Opd> initializer() {
        List<Opd> out = new ArrayList<>();
        if (accept("{")) {
            if (!peek().is("}")) {
                do {
                    if (peek().is("{")) out.addAll(initializer());
                    else out.add(operand());
                } while (accept(","));
            }
            expect("}");
        } else {
            out.add(operand());
        }
        return out;
    }

    private void function(ModuleDecl m) {
        Tok kind = next();
        FnDecl f = new FnDecl();
        f.entry = kind.is(".entry");
        f.line = kind.line;
        if (!f.entry && peek().is("(")) paramList(f.rets);
        f.name = ident();
        if (peek().is("(")) paramList(f.params);
        while (peek().s.startsWith(".")) { // .maxntid 256, 1, 1 / .reqntid / .minnctapersm / .noreturn / .pragma
            next();
            while (!peek().s.startsWith(".") && !peek().is("{") && !peek().is(";")) next();
        }
        if (accept(";")) { // a prototype
            if (!m.fns.containsKey(f.name)) m.fns.put(f.name, f);
            return;
        }
        FnDecl prev = m.fns.get(f.name);
        if (prev != null && prev.defined) throw err(f.line, "function '" + f.name + "' is defined twice");
        f.defined = true;
        m.fns.put(f.name, f);
        expect("{");
        body(f);
    }

    private void paramList(List<Var> out) {
        expect("(");
        if (!peek().is(")")) {
            do {
                Tok sp = peek();
                if (!sp.is(".param") && !sp.is(".reg"))
                    throw err(sp.line, "a parameter is declared .param or .reg, not '" + sp.s + "'");
                out.add(var(sp.s.substring(1), false));
            } while (accept(","));
        }
        expect(")");
    }

    private void body(FnDecl f) {
        int depth = 1;
        while (depth > 0) {
            Tok t = peek();
            if (t.is("<eof>")) throw err(t.line, "function '" + f.name + "' is not closed with '}'");
            if (accept("{")) depth++;
            else if (accept("}")) depth--;
            else if (t.s.startsWith(".")) directive(f);
            else if (isName(t.s) && toks.get(p + 1).is(":") && !t.s.startsWith("%")) {
                next();
                next();
                if (f.labels.put(t.s, f.body.size()) != null) throw err(t.line, "label '" + t.s + "' is defined twice");
            } else f.body.add(instruction());
        }
    }

    private void directive(FnDecl f) {
        Tok t = peek();
        switch (t.s) {
            case ".reg", ".param", ".local", ".shared", ".global", ".const" -> {
                Tok sp = next();
                p--;
                do {
                    if (peek().is(",")) {
                        next();
                        // another name with the same attributes: re-parse with the first declaration's attributes
                        Var first = f.vars.getLast();
                        String name = ident();
                        long count = 1;
                        boolean array = false;
                        long rangeCount = 0;
                        if (accept("<")) {
                            rangeCount = intLit();
                            expect(">");
                        } else if (accept("[")) {
                            array = true;
                            count = intLit();
                            expect("]");
                        }
                        Var v = rangeCount > 0
                                ? new Var(first.space(), first.ty(), name + "<>", rangeCount, false, 0, List.of(), sp.line)
                                : new Var(first.space(), first.ty(), name, count, array, first.align(), List.of(), sp.line);
                        f.vars.add(v);
                    } else {
                        f.vars.add(var(sp.s.substring(1), false));
                    }
                } while (peek().is(","));
                expect(";");
            }
            case ".loc", ".file" -> skipLine();
            case ".pragma", ".maxnreg", ".maxntid", ".reqntid", ".minnctapersm" -> skipStatement();
            default -> throw err(t.line, "unsupported directive '" + t.s + "' in function " + f.name);
        }
    }

    private Ins instruction() {
        Tok first = peek();
        String guard = null;
        boolean neg = false;
        if (accept("@")) {
            neg = accept("!");
            guard = ident();
        }
        Tok op = next();
        if (!Character.isLetter(op.s.charAt(0))) throw err(op.line, "expected an instruction but found '" + op.s + "'");
        List<Opd> ops = new ArrayList<>();
        if (!peek().is(";")) {
            do ops.add(operand()); while (accept(","));
        }
        Tok end = next();
        if (!end.is(";")) throw err(end.line, "expected ';' after the operands of " + op.s + " but found '" + end.s + "'");
        return new Ins(guard, neg, op.s, List.copyOf(ops), first.line);
    }

    private Opd operand() {
        Tok t = peek();
        int line = t.line;
        if (accept("{")) {
            List<Opd> es = new ArrayList<>();
            if (!peek().is("}")) {
                do es.add(operand()); while (accept(","));
            }
            expect("}");
            return new Vec(List.copyOf(es), line);
        }
        if (accept("(")) {
            List<Opd> es = new ArrayList<>();
            if (!peek().is(")")) {
                do es.add(operand()); while (accept(","));
            }
            expect(")");
            return new Paren(List.copyOf(es), line);
        }
        if (accept("[")) {
            String base = null;
            long off = 0;
            Tok b = peek();
            if (isName(b.s)) {
                base = ident();
                if (accept("+")) off = intLit();
                else if (accept("-")) off = -intLit();
            } else {
                off = intLit();
            }
            expect("]");
            return new Addr(base, off, line);
        }
        if (accept("!")) return new Name(ident(), true, line);
        if (accept("-")) {
            Tok n = next();
            return new Num("-" + n.s, line);
        }
        if (Character.isDigit(t.s.charAt(0))) {
            next();
            return new Num(t.s, line);
        }
        String name = ident();
        if (accept("|")) return new Pair(name, ident(), line);
        return new Name(name, false, line);
    }
}
