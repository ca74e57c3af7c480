package dev.txc.tests.opt;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Graphs;
import dev.txc.ir.Node;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jacobian and hessian are loops over unit vectors: the graph has the same size for 10 outputs as for 1000. */
class JacobianSizeTest {
    static int nodes(String src, String fn) {
        var c = Frontend.compileText("j.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), c.diagnostics()::toString);
        Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(fn);
        var all = new HashSet<Node>(Graphs.ancestors(f.roots()));
        for (Node n : List.copyOf(all)) if (n.region() != null) all.addAll(Graphs.ancestors(n.region().results()));
        return all.size();
    }

    @Test
    void graphSizeDoesNotGrowWithTheOutput() {
        for (int n : new int[] {10, 1000}) {
            String src = "fn jac(x: f64[" + n + "]) = jacobian(sin(x) * x, x)\nfn hes(x: f64[" + n + "]) = hessian(sum(exp(x) * x), x)\n";
            assertEquals(nodes(src.replace("[" + n + "]", "[10]"), "jac"), nodes(src, "jac"), "jacobian graph for " + n);
            assertEquals(nodes(src.replace("[" + n + "]", "[10]"), "hes"), nodes(src, "hes"), "hessian graph for " + n);
        }
        assertTrue(nodes("fn jac(x: f64[1000]) = jacobian(sin(x) * x, x)", "jac") < 60);
    }
}
