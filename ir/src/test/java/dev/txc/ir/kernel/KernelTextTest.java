package dev.txc.ir.kernel;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import dev.txc.ir.Op;
import dev.txc.ir.kernel.Kernel.Operand;
import dev.txc.ir.kernel.Kernel.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernel text round-trips, the verifier refuses malformed kernels, and the vector form is decided by the table. */
class KernelTextTest {
    private static final String SIGMOID_GRAD = """
        kernel @k0(o0: f64 out, a0: f64 in, a1: f64 in scalar) shapes 0 {
          %1 = load a1[]
          %2 = lit 1.0 : f64
          for r in rows parallel {
            for j in row vector(f64) {
              %0 = load a0[r, j]
              %3 = sigmoid %0 : f64
              %4 = sub %2, %3 : f64
              %5 = mul %3, %4 : f64
              %6 = mul %5, %1 : f64
              store o0[r, j], %6
            }
          }
        }
        """;

    @Test
    void printParseRoundTrip() {
        var parsed = KernelText.parse(SIGMOID_GRAD);
        assertEquals("k0", parsed.name());
        assertEquals(SIGMOID_GRAD, KernelText.print("k0", parsed.kernel()));
        Kernel k = parsed.kernel();
        assertEquals(DType.F64, k.vectorType());
        assertEquals(new Instr.Apply(Op.SIGMOID, DType.F64, List.of(0)), k.body().get(3));
        assertEquals(new Instr.Store(0, 6), k.body().getLast());
    }

    @Test
    void mixedDtypesAndScalarOnlyOpsRunScalarLoops() {
        String text = """
            kernel @k1(o0: i32 out, a0: f32 in, a1: bool in) shapes 1 {
              for r in rows parallel {
                for j in row scalar {
                  %0 = load a0[r, j]
                  %1 = load a1[r, j]
                  %2 = cast %0 : i32
                  %3 = lit -3 : i32
                  %4 = where %1, %2, %3 : i32
                  store o0[r, j], %4
                }
              }
            }
            """;
        // The literal is printed before the loops (loop-invariant): the canonical text differs only in that.
        Kernel k = KernelText.parse(text).kernel();
        assertNull(k.vectorType());
        assertEquals(k, KernelText.parse(KernelText.print("k1", k)).kernel());
        assertEquals(1, k.shapes());
        Kernel sin = new Kernel(List.of(new Operand(Role.OUT, DType.F32, false), new Operand(Role.IN, DType.F32, false)), 0,
                List.of(new Instr.Load(1), new Instr.Apply(Op.SIN, DType.F32, List.of(0)), new Instr.Store(0, 1)));
        assertNull(sin.vectorType(), "sin has no bit-exact vector form yet");
    }

    @Test
    void verifierRefusesMalformedKernels() {
        var f64 = DType.F64;
        var out = new Operand(Role.OUT, f64, false);
        var in = new Operand(Role.IN, f64, false);
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(in, out), 0, List.of(new Instr.Load(0), new Instr.Store(1, 0))), "outputs first");
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(out, in), 0, List.of(new Instr.Load(1))), "output never stored");
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(out, in), 0,
                List.of(new Instr.Apply(Op.NEG, f64, List.of(1)), new Instr.Load(1), new Instr.Store(0, 0))), "use before definition");
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(out, in), 0,
                List.of(new Instr.Load(1), new Instr.Apply(Op.SUM, f64, List.of(0)), new Instr.Store(0, 1))), "not elementwise");
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(out, in), 0,
                List.of(new Instr.Load(1), new Instr.Apply(Op.ADD, f64, List.of(0)), new Instr.Store(0, 1))), "arity");
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(out, in), 0,
                List.of(new Instr.Load(1), new Instr.Apply(Op.GT, DType.BOOL, List.of(0, 0)), new Instr.Store(0, 1))), "dtype of store");
        assertThrows(IllegalArgumentException.class, () -> new Kernel(List.of(out, in), 0,
                List.of(new Instr.Load(0), new Instr.Store(0, 0))), "load of an output");
        assertThrows(IllegalArgumentException.class, () -> KernelText.parse(SIGMOID_GRAD.replace("sigmoid", "frobnicate")));
    }
}
