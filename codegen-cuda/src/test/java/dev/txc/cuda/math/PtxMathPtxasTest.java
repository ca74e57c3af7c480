package dev.txc.cuda.math;

import dev.txc.cuda.PtxTarget;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12 item 4(a) for the math routines: every routine, called from a small test entry, assembles with ptxas for
 * sm_80 and sm_90 with no stack frame and no local-memory spills (ptxas -v). Skips when ptxas is absent.
 */
class PtxMathPtxasTest {
    static final Path PTXAS = Path.of(System.getenv().getOrDefault("TXC_PTXAS", "/usr/local/bin/ptxas"));

    /** A module with the routine and an entry that loads x (and y), calls it and stores the result. */
    static String module(String name, PtxTarget target) {
        boolean f32 = name.endsWith("_f32");
        boolean binary = PtxMath.def(name).binary() != null;
        String t = f32 ? "f32" : "f64";
        int size = f32 ? 4 : 8;
        return target.header() + "\n" + PtxMath.routine(name) + "\n"
                + ".visible .entry test_" + name + "(.param .u64 out, .param .u64 in, .param .u64 n)\n{\n"
                + "\t.reg .pred %q<2>;\n\t.reg .b64 %a<8>;\n\t.reg .b32 %t<4>;\n\t.reg ." + t + " %v<4>;\n"
                + "\tld.param.u64 %a1, [out];\n\tld.param.u64 %a2, [in];\n\tld.param.u64 %a3, [n];\n"
                + "\tcvta.to.global.u64 %a1, %a1;\n\tcvta.to.global.u64 %a2, %a2;\n"
                + "\tmov.u32 %t1, %ctaid.x;\n\tmov.u32 %t2, %ntid.x;\n\tmov.u32 %t3, %tid.x;\n"
                + "\tmad.lo.s32 %t1, %t1, %t2, %t3;\n\tcvt.u64.u32 %a4, %t1;\n"
                + "\tsetp.ge.u64 %q1, %a4, %a3;\n\t@%q1 bra DONE;\n"
                + "\tmul.lo.u64 %a5, %a4, " + size + ";\n\tadd.u64 %a6, %a2, %a5;\n"
                + "\tld.global." + t + " %v1, [%a6];\n"
                + (binary ? "\tmul.lo.u64 %a7, %a3, " + size + ";\n\tadd.u64 %a7, %a6, %a7;\n\tld.global." + t + " %v2, [%a7];\n"
                        + "\tcall (%v3), " + name + ", (%v1, %v2);\n" : "\tcall (%v3), " + name + ", (%v1);\n")
                + "\tadd.u64 %a6, %a1, %a5;\n\tst.global." + t + " [%a6], %v3;\nDONE:\n\tret;\n}\n";
    }

    @TestFactory
    List<DynamicTest> assemblesWithoutSpills() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int sm : new int[] {80, 90}) {
            for (String name : PtxMath.names()) {
                tests.add(DynamicTest.dynamicTest(name + " sm_" + sm, () -> {
                    assumeTrue(Files.isExecutable(PTXAS), "ptxas not found at " + PTXAS + " (set TXC_PTXAS): skipped");
                    String log = ptxas(module(name, new PtxTarget(sm)), sm);
                    assertTrue(log.contains("Function properties for " + name), log);
                    assertTrue(log.contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"), log);
                    assertTrue(!java.util.regex.Pattern.compile("\\b[1-9][0-9]* bytes (stack frame|spill)").matcher(log).find(), log);
                }));
            }
        }
        return tests;
    }

    /** Runs ptxas -v on the module; fails on a non-zero exit; returns its log. */
    static String ptxas(String module, int sm) throws Exception {
        Path dir = Files.createTempDirectory("txc-ptxmath");
        try {
            Path src = dir.resolve("m.ptx");
            Files.writeString(src, module);
            Process p = new ProcessBuilder(PTXAS.toString(), "-v", "-arch=sm_" + sm, src.toString(), "-o",
                    dir.resolve("m.cubin").toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), log + "\n" + module);
            return log;
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }
}
