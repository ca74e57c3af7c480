package dev.txc.opt;

import dev.txc.ir.Function;

/** One named transformation of a function; stateless, so one instance serves every compilation. */
public interface Pass {
    /** The kebab-case name used by {@code --print-ir-after}. */
    String name();

    Function run(Function f, PassContext cx);
}
