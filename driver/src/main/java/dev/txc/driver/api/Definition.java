package dev.txc.driver.api;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.Rewriter;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.Tensors;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.List;
import java.util.Map;

/**
 * A function as built by the API, before compilation: its IR, its inputs, the shared variables it reads (in the order
 * generated code receives them), its givens and its compile settings; {@link #function} runs the pipeline to a stage.
 */
record Definition(Function parsed, List<Expr> inputs, List<Shared> shared, Map<Node, Node> givens, int optLevel, DType floatX) {
    Definition {
        inputs = List.copyOf(inputs);
        shared = List.copyOf(shared);
        givens = Map.copyOf(givens);
    }

    /** The function at a stage of the pipeline: parsed (as built), ad, opt, fused or lowered (what is compiled). */
    Function function(Pipeline.Stage stage) {
        if (stage == Pipeline.Stage.PARSED) return parsed;
        if (givens.isEmpty()) return run(parsed, stage);
        // Givens replace variables after differentiation, as Theano substitutes them in the final graph.
        Function ad = Rewriter.rewrite(run(parsed, Pipeline.Stage.AD), n -> givens.getOrDefault(n, n));
        return stage == Pipeline.Stage.AD ? ad : run(ad, stage);
    }

    private Function run(Function f, Pipeline.Stage stage) {
        var cx = new PassContext(optLevel, floatX);
        var sharedVars = shared.stream().map(s -> new SharedVar(s.name(), s.type(), new SharedVar.Init.Value(Tensors.fromNd(s.get())))).toList();
        Module m;
        try {
            m = Pipeline.run(new Module(sharedVars, List.of(f)), stage, cx);
        } catch (CompileException e) {
            throw TxException.of(e.diagnostics());
        }
        List<Diagnostic> errors = cx.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        if (!errors.isEmpty()) throw TxException.of(errors);
        return m.functions().getFirst();
    }
}
