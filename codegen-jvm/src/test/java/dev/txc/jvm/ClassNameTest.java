package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated class names stay within the JVM's limits whatever the function is called. */
class ClassNameTest {
    /** A 70,000-character function name (a mutation fuzzer's find) gets a class whose name fits the constant pool. */
    @Test
    void veryLongFunctionNamesCompile() {
        String name = "f" + "7".repeat(70_000);
        var c = Frontend.compileText("l.tx", "fn " + name + "(x: f64[n]) = x * 2 + 1\n", Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        var f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(name);
        var fn = JvmCompiler.load(JvmCompiler.compile(f, List.of()));
        var out = fn.call(new NDArray[] {NDArray.ofDoubles(new double[] {1, 2}, 2)}, new NDArray[0])[0];
        assertArrayEquals(new double[] {3, 5}, out.toDoubleArray());
        assertTrue(JvmCompiler.className(name).length() < 300);
        assertNotEquals(JvmCompiler.className(name), JvmCompiler.className(name + "8"), "distinct long names, distinct classes");
    }
}
