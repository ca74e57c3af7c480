package dev.txc.cuda.lib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxTarget;
import dev.txc.cuda.math.PtxMath;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Assembles library entries with {@code ptxas} (through dev.txc.cuda.Ptxas) for sm_80 and
 * sm_90; tests skip with a message where it is absent. The modules carry the {@link PtxMath} routines the entries
 * call, each once, ahead of the entries.
 */
final class Ptxas {
    private Ptxas() {}

    static void assumePresent() {
        dev.txc.cuda.Ptxas.assumePresent();
    }

    /** A module holding the entries, the routines they call first. */
    static String module(PtxTarget target, List<PtxEntry> entries) {
        var sb = new StringBuilder(target.header()).append('\n');
        Set<String> routines = new TreeSet<>();
        for (PtxEntry e : entries) routines.addAll(e.routines());
        if (!routines.isEmpty()) sb.append(PtxMath.routines(routines)).append('\n');
        for (PtxEntry e : entries) sb.append(e.text()).append('\n');
        return sb.toString();
    }

    /** Assembles the entries for sm_80 and sm_90 (with -v); fails with ptxas's messages. Returns sm_80's -v output. */
    static String assemble(List<PtxEntry> entries) {
        assumePresent();
        String info = null;
        for (int sm : new int[] {80, 90}) {
            String out = dev.txc.cuda.Ptxas.assemble(module(new PtxTarget(sm), entries), sm, false);
            if (info == null) info = out;
        }
        return info;
    }

    /** Assembles the entries and fails if ptxas reports local-memory spills for any of them. */
    static void assembleWithoutSpills(List<PtxEntry> entries) {
        String info = assemble(entries);
        var spills = dev.txc.cuda.Ptxas.spills(info);
        assertTrue(spills.isEmpty(), () -> "ptxas reports spills: " + spills);
    }
}
