package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txc.ir.Op;
import dev.txc.ir.Tensor;
import dev.txc.jvm.Tensors;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 3: float to integer casts truncate toward zero and saturate out-of-range values to the dtype's
 * minimum or maximum, NaN gives 0; to bool, nonzero and NaN are true. Checked on the interpreter, the JVM backend at
 * -O0 (one kernel per op) and -O2 (a fused kernel), constant folding, and the runtime's astype, against the values
 * below, written out by hand from that rule.
 */
class CastSaturationTest {
    static final double P31 = 2147483648.0, P63 = 9223372036854775808.0, INF = Double.POSITIVE_INFINITY;

    /** The inputs: +-inf, NaN, +-2^31, 2^31-1, +-2^63, 1e20, -0.5, +-2.9, +-300, 127.9, -128.9, 0, -0. */
    static final double[] X = {INF, -INF, Double.NaN, P31, -P31, P31 - 1, P63, -P63, 1e20, -0.5, 2.9, -2.9, 300, -300, 127.9, -128.9, 0.0, -0.0};

    static final long I32MAX = Integer.MAX_VALUE, I32MIN = Integer.MIN_VALUE, I64MAX = Long.MAX_VALUE, I64MIN = Long.MIN_VALUE;

    static final Map<DType, long[]> EXPECTED = Map.of(
            DType.I8, new long[] {127, -128, 0, 127, -128, 127, 127, -128, 127, 0, 2, -2, 127, -128, 127, -128, 0, 0},
            DType.I16, new long[] {32767, -32768, 0, 32767, -32768, 32767, 32767, -32768, 32767, 0, 2, -2, 300, -300, 127, -128, 0, 0},
            DType.I32, new long[] {I32MAX, I32MIN, 0, I32MAX, I32MIN, I32MAX, I32MAX, I32MIN, I32MAX, 0, 2, -2, 300, -300, 127, -128, 0, 0},
            DType.I64, new long[] {I64MAX, I64MIN, 0, 2147483648L, -2147483648L, 2147483647L, I64MAX, I64MIN, I64MAX, 0, 2, -2, 300, -300, 127, -128, 0, 0},
            DType.U8, new long[] {255, 0, 0, 255, 0, 255, 255, 0, 255, 0, 2, 0, 255, 0, 127, 0, 0, 0},
            DType.BOOL, new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0});

    /** The expected values for an input dtype: in f32, 2^31-1 rounds to 2^31, which i64 holds exactly. */
    static long[] expected(DType from, DType to) {
        long[] e = EXPECTED.get(to).clone();
        if (from == DType.F32 && to == DType.I64) e[5] = 2147483648L;
        return e;
    }

    static Tensor input(DType from) {
        return Tensor.ofDoubles(from, sh(X.length), X);
    }

    @Test
    void castsOfParametersOnEveryEngine() {
        for (DType from : new DType[] {DType.F64, DType.F32})
            for (DType to : EXPECTED.keySet()) {
                String src = "fn c(x: " + from.spelling() + "[?]) = cast(x, " + to.spelling() + ")\n"
                        // -O2 fuses the add, the cast and the final op into one kernel.
                        + "fn k(x: " + from.spelling() + "[?], z: " + from.spelling() + "[?], w: " + to.spelling() + "[?]) = cast(x + z, " + to.spelling() + ") " + (to == DType.BOOL ? "or" : "+") + " w\n";
                var c = compile(src);
                Tensor x = input(from), z = Tensor.ofDoubles(from, sh(X.length), new double[X.length]);
                Tensor w = Tensor.ofLongs(to, sh(X.length), new long[X.length]);
                String what = "cast " + from.spelling() + " -> " + to.spelling();
                checkLongs(run1(c, "c", x), to, sh(X.length), expected(from, to), what);
                checkLongs(run1(c, "k", x, z, w), to, sh(X.length), expected(from, to), what + " (fused)");
            }
    }

    @Test
    void constantFoldingCastsTheSameWay() {
        for (DType to : EXPECTED.keySet()) {
            // [1, -1, 0] / 0 = [inf, -inf, NaN]; the rest are the other inputs; -O2 folds the whole expression.
            String src = "fn c() = cast(concatenate([[1.0, -1.0, 0.0] / 0.0, [2147483648.0, -2147483648.0, 2147483647.0, "
                    + "9223372036854775808.0, -9223372036854775808.0, 1e20, -0.5, 2.9, -2.9, 300.0, -300.0, 127.9, -128.9, 0.0, -0.0]]), "
                    + to.spelling() + ")\n";
            var c = compile(src);
            assertEquals(Op.CONST, c.optFn("c").outputs().getFirst().value().op(), "folded at -O2: " + src);
            checkLongs(run1(c, "c"), to, sh(X.length), expected(DType.F64, to), "folded cast to " + to.spelling());
        }
    }

    @Test
    void runtimeAstypeCastsTheSameWay() {
        for (DType to : EXPECTED.keySet()) {
            NDArray a = NDArray.ofDoubles(X).astype(to);
            assertArrayEquals(expected(DType.F64, to), Tensors.fromNd(a).toLongs(), "astype to " + to.spelling());
            float[] f = new float[X.length];
            for (int k = 0; k < f.length; k++) f[k] = (float) X[k];
            NDArray b = NDArray.ofFloats(f).astype(to);
            assertArrayEquals(expected(DType.F32, to), Tensors.fromNd(b).toLongs(), "astype of f32 to " + to.spelling());
        }
    }
}
