package dev.txc.ir;

import java.util.List;

/** A compilation unit: shared variables and functions, names unique within each list. */
public record Module(List<SharedVar> shared, List<Function> functions) {
    public Module {
        shared = List.copyOf(shared);
        functions = List.copyOf(functions);
    }

    public Function function(String name) {
        for (Function f : functions) if (f.name().equals(name)) return f;
        return null;
    }

    public SharedVar sharedVar(String name) {
        for (SharedVar s : shared) if (s.name().equals(name)) return s;
        return null;
    }
}
