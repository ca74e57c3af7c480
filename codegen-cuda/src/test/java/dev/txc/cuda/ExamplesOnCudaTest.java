package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 4 on the tutorial examples (examples/*.tx) and the golden programs (tests' golden/**.tx, the source
 * above their expected output): every function of every program that compiles lowers for CUDA (scan, jacobian and
 * hessian loops included), and, where ptxas is installed, assembles for sm_80 and sm_90 without spills in elementwise
 * kernels; functions without shared variables run on the PTX interpreter against the reference interpreter on
 * arguments made from their types (every unknown dim 3, then 1).
 */
class ExamplesOnCudaTest {
    static List<Path> programs() throws IOException {
        var out = new ArrayList<Path>();
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            s.filter(p -> p.toString().endsWith(".tx")).sorted().forEach(out::add);
        }
        try (Stream<Path> s = Files.walk(Path.of("../tests/src/test/resources/golden"))) {
            s.filter(p -> p.toString().endsWith(".tx")).sorted().forEach(out::add);
        }
        return out;
    }

    /** The program's source (a golden file's part above its expected output), compiled at -O2 to the lowered stage, or null. */
    static Module compile(Path p) throws IOException {
        String src = Files.readString(p);
        int cut = src.indexOf("# ---- expected");
        if (cut >= 0) src = src.substring(0, cut);
        var c = Frontend.compileText(p.getFileName().toString(), src, Frontend.Options.defaults());
        if (!c.ok()) return null; // golden programs of compile errors
        try {
            return Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        } catch (dev.txc.ir.CompileException e) {
            return null; // golden programs of errors found by the passes (grad of a disconnected cost)
        }
    }

    @Test
    void everyFunctionLowersAssemblesAndRunsOnTheSimulator() throws IOException {
        boolean ptxas = Ptxas.binary() != null && Files.isExecutable(Ptxas.binary());
        int lowered = 0, ran = 0;
        var r = new Random(11);
        for (Path p : programs()) {
            Module m = compile(p);
            if (m == null) continue;
            var shared = m.shared().stream().map(dev.txc.ir.SharedVar::name).toList();
            for (Function f : m.functions()) {
                String what = p + " " + f.name();
                PtxModule pm = CudaLowering.lower(f, shared, PtxTarget.DEFAULT);
                lowered++;
                if (ptxas) CudaLoweringTest.assemblesWithoutSpills(pm);
                if (!shared.isEmpty()) continue;
                for (int size : new int[] {3, 1}) {
                    Map<String, Tensor> args = arguments(f, size, r);
                    PtxSimDifferentialTest.check(f, pm, args, what + " (dims " + size + ")", 2);
                    ran++;
                }
            }
        }
        System.out.println("ExamplesOnCudaTest: " + lowered + " functions lowered" + (ptxas ? " and assembled" : " (ptxas absent: not assembled)") + ", " + ran + " runs on the simulator");
        assertTrue(lowered >= 40 && ran >= 40, lowered + " lowered, " + ran + " ran");
    }

    /** Random arguments of f's parameter types, every dim not known statically of the given size. */
    private static Map<String, Tensor> arguments(Function f, int size, Random r) {
        var args = new HashMap<String, Tensor>();
        for (int k = 0; k < f.params().size(); k++) {
            Node p = f.params().get(k);
            int[] shape = new int[p.rank()];
            for (int d = 0; d < shape.length; d++)
                shape[d] = p.tt().dim(d) instanceof Dim.Known(long n) ? Math.toIntExact(n) : size;
            DType t = p.dtype();
            double[] v = new double[Tensor.size(shape)];
            for (int i = 0; i < v.length; i++)
                v[i] = t.isFloat() ? r.nextGaussian() : t == DType.BOOL ? r.nextInt(2) : r.nextInt(5);
            args.put(f.paramName(k), Tensor.fromDoubles(t, shape, v));
        }
        return args;
    }
}
