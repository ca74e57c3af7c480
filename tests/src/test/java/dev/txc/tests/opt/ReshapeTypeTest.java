package dev.txc.tests.opt;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

/**
 * reshape(reshape(x, [4]), [-1]) once became reshape(x, [-1]), whose type no longer knew the 4: the optimized
 * function's output types were less precise than before the rewrites (found by DifferentialTest seeds 20262300,
 * 20262426 and 20264039 under -Dtx.verify=true). The types after every rewrite and fusion must be the types before
 * them, whose static dims the programs give (checked by hand here: the 4, 2 and 3 of the reshapes).
 */
class ReshapeTypeTest {
    private static void keepsTypes(String src, String fn, String... types) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), c.diagnostics()::toString);
        Function before = Pipeline.run(c.module(), Pipeline.Stage.AD, new PassContext(2, DType.F64)).function(fn);
        Function f = Pipeline.run(c.module(), Pipeline.Stage.FUSED, new PassContext(2, DType.F64)).function(fn);
        assertEquals(types.length, f.outputs().size());
        for (int k = 0; k < types.length; k++) {
            assertEquals(types[k], before.outputs().get(k).value().type().toString(), src);
            assertEquals(types[k], f.outputs().get(k).value().type().toString(), src);
        }
    }

    @Test
    void aReshapeOfAReshapeKeepsWhatTheInnerOneKnew() {
        keepsTypes("fn f(d: f64[N, 3], a: f64[M]) = outer(reshape(d[:, 1], [4]), a)", "f", "f64[4, ?]");
        keepsTypes("fn f(s: f64, d: f64[N, 2]) = reshape(outer(reshape(d[1], [2]), reshape(sin(arange(6) * 0.7 + s), [1, 6])[0]), [2, -1, 3])",
                "f", "f64[2, 2, 3]");
        keepsTypes("fn f(a: f64[N, 1]) = outer(reshape(a, [4]), a[:, 0])", "f", "f64[4, ?]");
    }
}
