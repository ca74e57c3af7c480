package dev.txc.cuda.sim;

import org.junit.jupiter.api.Test;

import static dev.txc.cuda.sim.PtxSim.dim;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the simulator does not understand, and faults of the kernels it runs, are errors naming the line. */
class PtxSimErrorTest {
    private static String kernel(String body) {
        return Kernels.HEADER + """
                .visible .entry k(.param .u64 p, .param .u64 n)
                {
                    .reg .pred %p<4>;
                    .reg .b32 %r<8>;
                    .reg .f64 %fd<4>;
                    .reg .b64 %rd<8>;
                    ld.param.u64 %rd1, [p];
                """ + body + """
                    ret;
                }
                """;
    }

    private static void assertMessage(PtxSimException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "':\n" + e.getMessage());
    }

    private static PtxSimException loadFails(String module) {
        return assertThrows(PtxSimException.class, () -> PtxSim.load(module));
    }

    private static PtxSimException runFails(String module, int threads) {
        PtxSim sim = PtxSim.load(module);
        long p = sim.alloc(64);
        return assertThrows(PtxSimException.class, () -> sim.launch("k", dim(1), dim(threads), 0, p, 8L));
    }

    @Test
    void unknownInstructionNamesItsLine() {
        assertMessage(loadFails(kernel("    frobnicate.b32 %r1, %r2;\n")), "line 12", "frobnicate.b32");
    }

    @Test
    void unknownRegisterAndUnsupportedModifiers() {
        assertMessage(loadFails(kernel("    add.s32 %r1, %r9, 1;\n")), "line 12", "unknown register or symbol '%r9'");
        assertMessage(loadFails(kernel("    add.rz.f64 %fd1, %fd2, %fd3;\n")), "line 12", "unsupported modifier .rz on add");
        assertMessage(loadFails(kernel("    cvt.s32.f64 %r1, %fd1;\n")), "line 12", ".rni, .rzi, .rmi or .rpi");
        assertMessage(loadFails(kernel("    mul.s32 %r1, %r2, %r3;\n")), "line 12", ".lo, .hi or .wide");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertMessage(loadFails(kernel("    add.s32 %r1, %r2, 1\n    add.s32 %r1, %r2, 1;\n")), "line 13", "expected ';'");
        assertMessage(loadFails(kernel("    bra NOWHERE;\n")), "line 12", "label");
        assertMessage(loadFails(".version 8.0\n.target sm_80\n.address_size 64\n.maxnreg 3\n"), "line 4");
    }

    @Test
    void outOfBoundsAndMisalignedAccessesAreFaults() {
        assertMessage(runFails(kernel("    ld.global.f64 %fd1, [%rd1+64];\n"), 1), "line 12", "outside every allocation",
                "thread (0,0,0) of block (0,0,0)");
        assertMessage(runFails(kernel("    ld.global.f64 %fd1, [%rd1+4];\n"), 1), "line 12", "misaligned");
        assertMessage(runFails(kernel("    ld.global.v2.f64 {%fd1, %fd2}, [%rd1+8];\n"), 1), "misaligned 16-byte");
        String shared = kernel("    .shared .align 8 .b8 s[16];\n    mov.u32 %r1, s;\n    ld.shared.f64 %fd1, [%r1+16];\n");
        assertMessage(runFails(shared, 1), "line 14", "outside the block's 16 bytes of shared memory");
    }

    @Test
    void shuffleWithAnExitedLaneOrDivergentBarriersIsAnError() {
        String shfl = kernel("""
                    mov.u32 %r1, %tid.x;
                    setp.ge.u32 %p1, %r1, 16;
                    @%p1 exit;
                    shfl.sync.down.b32 %r2, %r1, 1, 31, -1;
                """);
        assertMessage(runFails(shfl, 32), "line 15", "names lane 16, which has exited");
        assertMessage(runFails(kernel("    mov.u32 %r1, %tid.x;\n    shfl.sync.down.b32 %r2, %r1, 1, 31, -1;\n"), 16),
                "names lane 16, which this warp does not have");
        String bars = kernel("""
                    mov.u32 %r1, %tid.x;
                    setp.eq.u32 %p1, %r1, 0;
                    @%p1 bra ONE;
                    bar.sync 0;
                    bra.uni DONE;
                ONE:
                    bar.sync 1;
                DONE:
                """);
        assertMessage(runFails(bars, 4), "deadlock", "waits at line 15: bar.sync 0", "waits at line 18: bar.sync 1");
    }

    @Test
    void endlessLoopsHitTheStepLimit() {
        PtxSim sim = PtxSim.load(kernel("LOOP:\n    bra.uni LOOP;\n")).stepLimit(10_000);
        long p = sim.alloc(8);
        assertMessage(assertThrows(PtxSimException.class, () -> sim.launch("k", dim(1), dim(1), 0, p, 1L)),
                "more than 10000 instructions");
    }

    @Test
    void integerDivisionByZeroIsAnErrorNotAValue() {
        assertMessage(runFails(kernel("    mov.u32 %r1, 0;\n    div.u32 %r2, 7, %r1;\n"), 1), "line 13", "division by zero");
    }

    @Test
    void argumentsAreCheckedAgainstTheParameters() {
        PtxSim sim = PtxSim.load(kernel(""));
        assertMessage(assertThrows(PtxSimException.class, () -> sim.launch("k", dim(1), dim(1), 0, 1L)), "takes 2 parameters");
        assertMessage(assertThrows(PtxSimException.class, () -> sim.launch("k", dim(1), dim(1), 0, 1L, 2.0)), "cannot take 2.0");
        assertMessage(assertThrows(PtxSimException.class, () -> sim.launch("nope", dim(1), dim(1), 0)), "no .entry named 'nope'");
    }

    @Test
    void debugDirectivesEndWithTheirLine() {
        String module = Kernels.HEADER + ".file 1 \"k.cu\"\n" + kernel("    .loc 1 5 10\n    mov.u32 %r1, 7;\n    st.global.u32 [%rd1], %r1;\n")
                .substring(Kernels.HEADER.length());
        PtxSim sim = PtxSim.load(module);
        long p = sim.alloc(8);
        sim.launch("k", dim(1), dim(1), 0, p, 1L);
        assertTrue(sim.readInts(p, 1)[0] == 7, "the instruction after .loc ran");
    }

    @Test
    void aSharedMemoryRaceIsAnErrorEvenThoughThreadsRunOneAtATime() {
        String exchange = kernel("""
                    .shared .align 4 .b8 s[256];
                    mov.u32 %r1, %tid.x;
                    shl.b32 %r2, %r1, 2;
                    mov.u32 %r3, s;
                    add.s32 %r4, %r3, %r2;
                    st.shared.u32 [%r4], %r1;
                    SYNC
                    xor.b32 %r5, %r2, BIT;
                    add.s32 %r6, %r3, %r5;
                    ld.shared.u32 %r7, [%r6];
                    add.s32 %r7, %r7, 1;
                    st.shared.u32 [%r4], %r7;
                """);
        // the partner in the other warp (BIT 128: thread t ^ 32), then in the same warp (BIT 4: thread t ^ 1)
        // thread 0 runs first: it reads thread 32's word before thread 32 writes it
        assertMessage(runFails(exchange.replace("SYNC", "").replace("BIT", "128"), 64), "line 17", "shared-memory race",
                "thread 32 writes shared byte 128, which thread 0 read");
        assertMessage(runFails(exchange.replace("SYNC", "").replace("BIT", "4"), 64), "shared-memory race");
        assertMessage(runFails(exchange.replace("SYNC", "bar.warp.sync -1;").replace("BIT", "128"), 64), "shared-memory race");
        // a barrier orders the store before the partner's load, but the final stores race with the partner's load
        assertMessage(runFails(exchange.replace("SYNC", "bar.sync 0;").replace("BIT", "128"), 64),
                "thread 32 reads shared byte 0, which thread 0 wrote");
        for (String sync : new String[] {"bar.sync 0;", "bar.warp.sync -1;"}) {
            String ok = exchange.replace("SYNC", sync).replace("BIT", "4")
                    .replace("    st.shared.u32 [%r4], %r7;\n", "    " + sync + "\n    st.shared.u32 [%r4], %r7;\n");
            PtxSim sim = PtxSim.load(ok);
            long p = sim.alloc(8);
            sim.launch("k", dim(1), dim(64), 0, p, 1L);
            PtxSim unchecked = PtxSim.load(exchange.replace("SYNC", "").replace("BIT", "4")).raceCheck(false);
            unchecked.launch("k", dim(1), dim(64), 0, unchecked.alloc(8), 1L);
        }
    }
}
