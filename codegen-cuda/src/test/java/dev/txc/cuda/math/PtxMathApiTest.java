package dev.txc.cuda.math;

import dev.txc.ir.Op;
import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PtxMath's contract with the renderers: which ops have routines, their names, their texts' signatures. */
class PtxMathApiTest {
    static final Set<Op> EXPECTED = Set.of(Op.EXP, Op.EXP2, Op.EXPM1, Op.LOG, Op.LOG2, Op.LOG10, Op.LOG1P, Op.SIN, Op.COS,
            Op.TAN, Op.ASIN, Op.ACOS, Op.ATAN, Op.SINH, Op.COSH, Op.TANH, Op.ASINH, Op.ACOSH, Op.ATANH, Op.SIGMOID,
            Op.SOFTPLUS, Op.ERF, Op.ERFC, Op.POW, Op.ATAN2);

    @Test
    void everyFloatOpWithoutACorrectlyRoundedInstructionHasRoutinesInBothFloatTypes() {
        assertEquals(EXPECTED, PtxMath.ops());
        for (Op op : EXPECTED) {
            assertTrue(PtxMath.has(op, DType.F64) && PtxMath.has(op, DType.F32), op.spelling());
            assertFalse(PtxMath.has(op, DType.I64), op.spelling());
            assertEquals("txc_" + op.spelling() + "_f32", PtxMath.name(op, DType.F32));
        }
        for (Op op : List.of(Op.SQRT, Op.ADD, Op.DIV, Op.FLOOR, Op.MOD)) assertFalse(PtxMath.has(op, DType.F64), op.spelling());
        assertThrows(IllegalArgumentException.class, () -> PtxMath.name(Op.SQRT, DType.F64));
        assertThrows(IllegalArgumentException.class, () -> PtxMath.routine("txc_sqrt_f64"));
        assertEquals(2 * EXPECTED.size(), PtxMath.names().size());
    }

    @Test
    void routinesHaveTheFixedSignatureAndNoDependencies() {
        assertTrue(PtxMath.routine("txc_exp_f64").startsWith(".func (.reg .f64 %res) txc_exp_f64(.reg .f64 %x)\n{"));
        assertTrue(PtxMath.routine("txc_tanh_f32").startsWith(".func (.reg .f32 %res) txc_tanh_f32(.reg .f32 %x)\n{"));
        assertTrue(PtxMath.routine("txc_pow_f32").startsWith(".func (.reg .f32 %res) txc_pow_f32(.reg .f32 %x, .reg .f32 %y)\n{"));
        for (String n : PtxMath.names()) {
            assertEquals(List.of(), PtxMath.dependencies(n));
            String text = PtxMath.routine(n);
            assertFalse(text.contains(".approx"), n);
            assertFalse(text.contains("call"), n);
            assertTrue(PtxMath.ulpBound(n) >= 1 && PtxMath.ulpBound(n) <= 4, n);
        }
        assertEquals(PtxMath.routine("txc_exp_f64") + "\n" + PtxMath.routine("txc_log_f32"),
                PtxMath.routines(List.of("txc_exp_f64", "txc_log_f32", "txc_exp_f64")));
    }
}
