package dev.txc.driver;

import dev.txc.ir.CompileException;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.opt.RowSplit;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.RowTiled;
import dev.txc.types.Combine;
import dev.txc.types.DType;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Row tiling on the JVM (-O2): a function that reduces over the rows of its data parameters ({@code x: f64[N, F]},
 * {@code y: f64[N]}) runs over cache-sized blocks of those rows when they are large ({@link RowTiled}), from its split
 * over rows ({@link RowSplit#splitOverParameters}), compiled on the first large call. See DECISIONS.md.
 */
public final class RowTiling {
    private RowTiling() {}

    /**
     * {@code whole}, the compiled form of function {@code f} (at any stage: only its parameters are read here) of a
     * module whose shared variables are named {@code shared} (in the order calls pass them), as a {@link RowTiled}
     * when {@code f} has row parameters at {@code optLevel} 2; else {@code whole}. The split is made from {@code optimized} (f at the OPT stage) on the first
     * large call; where f does not split over rows, every call runs {@code whole}.
     */
    public static CompiledFunction wrap(CompiledFunction whole, Function f, Supplier<Function> optimized, List<String> shared,
                                        int optLevel, DType floatX) {
        return wrap(whole, f, optimized, shared, optLevel, floatX, RowTiled.MIN_BYTES, RowTiled.BLOCK_BYTES);
    }

    /** As {@link #wrap(CompiledFunction, Function, Supplier, List, int, DType)}, with the sizes of {@link RowTiled}'s constructor. */
    public static CompiledFunction wrap(CompiledFunction whole, Function f, Supplier<Function> optimized, List<String> shared,
                                        int optLevel, DType floatX, long minBytes, long blockBytes) {
        return wrap(whole, rowArgs(f, optLevel), optimized, shared, floatX, minBytes, blockBytes);
    }

    /** The positions of {@code f}'s row parameters at {@code optLevel}: none below 2 or where it has none. */
    static int[] rowArgs(Function f, int optLevel) {
        if (optLevel < 2) return new int[0];
        Set<String> rowParams = RowSplit.rowParameters(f);
        return IntStream.range(0, f.params().size()).filter(k -> rowParams.contains(f.paramName(k))).toArray();
    }

    /**
     * {@code whole} as a {@link RowTiled} over the parameters at positions {@code rowArgs} (of the function that
     * {@code optimized} gives at the OPT stage), or {@code whole} itself where there are none.
     */
    static CompiledFunction wrap(CompiledFunction whole, int[] rowArgs, Supplier<Function> optimized, List<String> shared,
                                 DType floatX, long minBytes, long blockBytes) {
        if (rowArgs.length == 0) return whole;
        return new RowTiled(whole, rowArgs.clone(), () -> {
            List<Function> split;
            try {
                Function opt = optimized.get();
                Set<String> rowParams = java.util.Arrays.stream(rowArgs).mapToObj(opt::paramName).collect(java.util.stream.Collectors.toSet());
                split = RowSplit.splitOverParameters(opt, rowParams);
            } catch (CompileException e) {
                return null; // not splittable: every call runs the whole function, as it would without tiling
            }
            return compile(split, shared, floatX);
        }, minBytes, blockBytes);
    }

    /** The split's two functions taken through fusion and lowering and compiled; null where a backend limit refuses them. */
    private static RowTiled.Split compile(List<Function> split, List<String> shared, DType floatX) {
        try {
            Module m = Pipeline.run(new Module(List.of(), split), Pipeline.Stage.LOWERED, new PassContext(2, floatX));
            Function part = m.functions().get(0), merge = m.functions().get(1);
            List<Combine> combines = part.outputs().stream().map(o -> Combine.ofOutputName(o.name())).toList();
            List<DType> dtypes = part.outputs().stream().map(o -> o.value().dtype()).toList();
            return new RowTiled.Split(JvmCompiler.load(JvmCompiler.compile(part, shared)), JvmCompiler.load(JvmCompiler.compile(merge, shared)), combines, dtypes);
        } catch (CompileException e) {
            return null;
        }
    }
}
