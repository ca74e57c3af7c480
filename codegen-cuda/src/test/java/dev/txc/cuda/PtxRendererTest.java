package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.ir.kernel.Instr;
import dev.txc.ir.kernel.Kernel;
import dev.txc.ir.kernel.Lowering;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every elementwise op at every dtype the type rules accept (and every cast) renders an entry that ptxas assembles
 * for sm_80 and sm_90 without local-memory spills; so do the reduction epilogues and their second pass.
 */
class PtxRendererTest {
    /** Each op x dtype (x target dtype for casts) as a lowered kernel of rank 2, operands [3, 5] (the first scalar when asked). */
    static List<PtxEntry> everyElementwiseEntry() {
        var entries = new ArrayList<PtxEntry>();
        for (Op op : Op.values()) {
            if (!ElementwiseOps.of(op).elementwise() || op == Op.BROADCAST_TO) continue;
            for (DType d : DType.values())
                for (DType target : op == Op.CAST ? List.of(DType.values()) : List.of(d)) {
                    Node out = node(op, d, target);
                    if (out == null) continue;
                    var k = Lowering.lower(out).kernel();
                    entries.add(PtxRenderer.render("k" + entries.size() + "_" + op.spelling() + "_" + d.spelling() + "_" + target.spelling(), k, 2));
                }
        }
        return entries;
    }

    private static Node node(Op op, DType d, DType target) {
        var args = new ArrayList<Node>();
        for (int k = 0; k < op.arity(); k++) args.add(Ir.param("a" + k, TensorType.of(op == Op.WHERE && k == 0 ? DType.BOOL : d, 3, 5)));
        try {
            return op == Op.CAST ? Ir.op(op, args, "dtype", target) : Ir.op(op, args);
        } catch (IrTypeException e) {
            return null;
        }
    }

    /** Reduction kernels: exp(x) * y (y a scalar) summed or averaged over the last axis or all, in f32 and f64. */
    static List<PtxEntry> reductionEntries() {
        var entries = new ArrayList<PtxEntry>();
        for (DType d : List.of(DType.F32, DType.F64))
            for (boolean mean : List.of(false, true))
                for (boolean all : List.of(false, true)) {
                    var k = new Kernel(List.of(new Kernel.Operand(Kernel.Role.OUT, d, false), new Kernel.Operand(Kernel.Role.IN, d, false),
                            new Kernel.Operand(Kernel.Role.IN, d, true)), 0,
                            List.of(new Instr.Load(1), new Instr.Load(2), new Instr.Apply(Op.EXP, d, List.of(0)),
                                    new Instr.Apply(Op.MUL, d, List.of(2, 1)), new Instr.Store(0, 3)),
                            new Kernel.Reduction(mean, all, false));
                    entries.add(PtxRenderer.render("r" + entries.size(), k, 3));
                    entries.add(PtxRenderer.finish(d, mean));
                }
        return entries;
    }

    @Test
    void everyOpAndDtypeAssemblesWithoutSpills() {
        Ptxas.assumePresent();
        var entries = everyElementwiseEntry();
        assertTrue(entries.size() > 250, "op x dtype entries: " + entries.size());
        String text = PtxModuleText.of(PtxTarget.DEFAULT, entries, r -> null);
        for (int sm : new int[] {80, 90}) {
            String log = Ptxas.assemble(text.replace(".target sm_80", ".target sm_" + sm), sm, true);
            assertEquals(List.of(), Ptxas.spills(log), "elementwise entries spill to local memory");
        }
    }

    @Test
    void reductionsAssemble() {
        Ptxas.assumePresent();
        var entries = new java.util.LinkedHashMap<String, PtxEntry>();
        for (PtxEntry e : reductionEntries()) entries.putIfAbsent(e.name(), e);
        String text = PtxModuleText.of(PtxTarget.DEFAULT, entries.values(), r -> null);
        for (int sm : new int[] {80, 90}) Ptxas.assemble(text.replace(".target sm_80", ".target sm_" + sm), sm, true);
    }

    @Test
    void parametersAndLaunchFollowTheContract() {
        var k = Lowering.lower(node(Op.ADD, DType.F64, DType.F64)).kernel();
        var e = PtxRenderer.render("add", k, 2);
        assertEquals(List.of("p0", "p1", "p2", "n", "flat", "d0", "d1", "s1_0", "s1_1", "s2_0", "s2_1"),
                e.params().stream().map(PtxEntry.Param::name).toList());
        assertEquals(new PtxEntry.Launch.Flat("n", PtxRenderer.BLOCK), e.launch());
        assertTrue(e.text().contains("add.rn.f64"), "float adds are not contracted into fmas");
        var exp = PtxRenderer.render("exp", Lowering.lower(node(Op.EXP, DType.F32, DType.F32)).kernel(), 2);
        assertEquals(java.util.Set.of("txc_exp_f32"), exp.routines());
        var erf = PtxRenderer.render("erf", Lowering.lower(node(Op.ERF, DType.F32, DType.F32)).kernel(), 2);
        if (!dev.txc.cuda.math.PtxMath.has(Op.ERF, DType.F32)) {
            assertEquals(java.util.Set.of("txc_erf_f64"), erf.routines(), "without an f32 routine, f32 values are widened");
            assertTrue(erf.text().contains("cvt.f64.f32") && erf.text().contains("cvt.rn.f32.f64"), erf.text());
        }
    }
}
