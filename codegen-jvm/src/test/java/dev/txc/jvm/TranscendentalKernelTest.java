package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.kernel.Lowering;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.Exp;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector forms of exp, sigmoid, tanh, log, log1p and softplus that kernels spell out give runtime.Exp's bits, lane
 * by lane, over a quarter million arguments per function and dtype: the whole range, both sides of tanh's branch
 * point, the clamps, subnormal arguments and results, -1 and below for log1p, ±0, ±inf and NaN.
 */
class TranscendentalKernelTest {
    private static final double[] SPECIAL = {0.0, -0.0, 0.55, -0.55, 0.5499999999999999, 709.78, 710, -745.1, -746, 88.7, -103.9,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-310, -1e-310, 22, -22, -1, -1.5, 1, 2, 0.5, Double.MIN_VALUE,
        Double.MAX_VALUE, 1e-17, -1e-17, 0x1p-1022, 1e-40f, 1.4142135623730951, 0.7071067811865476};

    @Test
    void vectorLoopsGiveTheScalarBits() {
        var r = new Random(9);
        int n = 1 << 18;
        for (DType d : List.of(DType.F64, DType.F32)) {
            for (String op : List.of("exp", "sigmoid", "tanh", "log", "log1p", "softplus")) {
                var c = Frontend.compileText("t.tx", "fn f(x: " + d.spelling() + "[n]) = " + op + "(x)\n", Frontend.Options.defaults());
                Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function("f");
                boolean vector = Lowering.kernels(f).values().iterator().next().kernel().vector();
                assertTrue(vector, op + " " + d + " has a vector form");
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    double scale = switch (i % 5) { case 0 -> 1; case 1 -> 30; case 2 -> 800; case 3 -> 1e-5; default -> 1e300; };
                    double v = (2 * r.nextDouble() - 1) * scale;
                    x[i] = i < SPECIAL.length ? SPECIAL[i] : i % 7 == 0 ? Math.abs(v) * Math.pow(2, -r.nextInt(1100)) : v;
                }
                NDArray in = d == DType.F64 ? NDArray.ofDoubles(x, n) : NDArray.ofDoubles(x, n).astype(DType.F32);
                double[] scalar = run(f, in, false), vec = run(f, in, true), in64 = in.astype(DType.F64).toDoubleArray();
                for (int i = 0; i < n; i++) {
                    final int at = i;
                    assertEquals(Double.doubleToLongBits(scalar[i]), Double.doubleToLongBits(vec[i]), () -> op + " " + d + "(" + in64[at] + ")");
                    double want = d == DType.F64 ? ref(op, in64[i]) : ref(op, (float) in64[i]);
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(scalar[i]), () -> op + " " + d + " is runtime.Exp's at " + in64[at]);
                }
            }
        }
    }

    private static double ref(String op, double x) {
        return switch (op) {
            case "exp" -> Exp.exp(x);
            case "sigmoid" -> Exp.sigmoid(x);
            case "tanh" -> Exp.tanh(x);
            case "log" -> Exp.log(x);
            case "log1p" -> Exp.log1p(x);
            case "softplus" -> Exp.softplus(x);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static double ref(String op, float x) {
        return switch (op) {
            case "exp" -> Exp.exp(x);
            case "sigmoid" -> Exp.sigmoid(x);
            case "tanh" -> Exp.tanh(x);
            case "log" -> Exp.log(x);
            case "log1p" -> Exp.log1p(x);
            case "softplus" -> Exp.softplus(x);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static double[] run(Function f, NDArray x, boolean vectors) {
        var fn = JvmCompiler.load(JvmCompiler.compile(f, List.of(), vectors));
        return fn.call(new NDArray[] {x}, new NDArray[0])[0].astype(DType.F64).toDoubleArray();
    }
}
