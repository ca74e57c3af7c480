package dev.txc.opt;

import dev.txc.ir.Diagnostic;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;

/** Settings and a diagnostic sink shared by the passes of one compilation. */
public final class PassContext {
    private final int optLevel;
    private final DType floatX;
    private final List<Diagnostic> diagnostics = new ArrayList<>();

    public PassContext(int optLevel, DType floatX) {
        this.optLevel = optLevel;
        this.floatX = floatX;
    }

    public int optLevel() {
        return optLevel;
    }

    public DType floatX() {
        return floatX;
    }

    public void report(Diagnostic d) {
        diagnostics.add(d);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
