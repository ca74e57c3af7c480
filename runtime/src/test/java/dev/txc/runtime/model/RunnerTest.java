package dev.txc.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared runner over a hand-written program: argument checks, repeat with state, print-every, JSON. */
class RunnerTest {
    // fn count(step: i64, x: f64[N]) { n := n + step; return n, sum(x) }
    static final ModelSpec SPEC = new ModelSpec("c.tx", List.of(new SharedSpec("n", TensorType.parse("i64"))),
            List.of(new FunctionSpec("count", "C", List.of(new ParamSpec("step", TensorType.parse("i64"), null), new ParamSpec("x", TensorType.parse("f64[N]"), null)),
                    List.of(new OutputSpec("n", TensorType.parse("i64")), new OutputSpec("out1", TensorType.parse("f64"))), List.of("n"))));

    static final Program PROGRAM = (fn, args, state) -> {
        Signature.check(SPEC.function(fn), args);
        NDArray n = state.get("n");
        state.set("n", NDArray.scalar(n.getLong() + args.get(0).getLong()));
        double s = 0;
        for (double v : args.get(1).toDoubleArray()) s += v;
        return List.of(n, NDArray.scalar(s));
    };

    static String run(boolean json, int repeat, int every, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var state = new ModelState(SPEC.shared(), List.of(NDArray.scalar(0L)));
        var o = RunOptions.of("count", name -> switch (name) {
            case "arg" -> List.of(args);
            case "format" -> json ? List.of("json") : List.of();
            case "repeat" -> List.of(Integer.toString(repeat));
            case "print-every" -> every == 0 ? List.of() : List.of(Integer.toString(every));
            default -> List.of();
        });
        try (var po = new PrintStream(out, true, StandardCharsets.UTF_8); var pe = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Runner.run(SPEC, PROGRAM, state, o, po, pe, false);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOutputsWithStepsAndCarriesState() {
        assertEquals("n = 0\nout1 = 3.0\n", run(false, 1, 0, "step=2", "x=[1, 2]"));
        assertEquals("[step 2] n = 2\n[step 2] out1 = 3.0\nn = 4\nout1 = 3.0\n", run(false, 3, 2, "step=2", "x=[1, 2]"));
        assertEquals("{\"outputs\": [{\"name\": \"n\", \"dtype\": \"i64\", \"shape\": [], \"data\": 2}, {\"name\": \"out1\", \"dtype\": \"f64\", \"shape\": [], \"data\": 1.0}], "
                + "\"steps\": [{\"step\": 1, \"outputs\": [{\"name\": \"n\", \"dtype\": \"i64\", \"shape\": [], \"data\": 0}, "
                + "{\"name\": \"out1\", \"dtype\": \"f64\", \"shape\": [], \"data\": 1.0}]}]}\n", run(true, 2, 1, "step=2", "x=[1]"));
    }

    @Test
    void argumentErrorsNameTheFunctionAndParameter() {
        var e = assertThrows(TxRuntimeException.class, () -> run(false, 1, 0, "step=2"));
        assertEquals("missing argument for parameter 'x' of 'count': pass --arg x=VALUE (parameters: step: i64, x: f64[N])", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> run(false, 1, 0, "step=1.5", "x=[1]"));
        assertTrue(e.getMessage().startsWith("--arg step: "), e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> run(false, 1, 0, "step=1", "x=[[1]]"));
        assertEquals("count: parameter x expects f64[N] (rank 1), got shape (1, 1) (rank 2)", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> run(false, 1, 0, "step=1", "x=[1]", "y=2"));
        assertEquals("'count' has no parameter 'y' (parameters: step: i64, x: f64[N])", e.getMessage());
        var u = assertThrows(CliUsageException.class, () -> run(false, 1, 0, "x"));
        assertEquals("--arg expects NAME=VALUE, got 'x'", u.getMessage());
        assertThrows(CliUsageException.class, () -> RunOptions.of("count", name -> name.equals("repeat") ? List.of("0") : List.of()));
    }

    @Test
    void stateSnapshotsAreConsistentAndChecked() {
        var s = new ModelState(SPEC.shared(), List.of(NDArray.scalar(0L)));
        NDArray[] before = s.snapshot();
        s.setAll(Map.of("n", NDArray.scalar(5L)));
        assertEquals(NDArray.scalar(0L), before[0], "a snapshot does not change");
        assertEquals(NDArray.scalar(5L), s.get("n"));
        var e = assertThrows(TxRuntimeException.class, () -> s.set("n", NDArray.zeros(DType.I64, 2)));
        assertEquals("shared variable n is i64; it cannot hold a i64 array of shape (2,)", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> s.get("m"));
        assertEquals("no shared variable 'm' (shared variables: n)", e.getMessage());
        ModelState c = s.copy();
        c.set("n", NDArray.scalar(9L));
        assertEquals(NDArray.scalar(5L), s.get("n"), "a copy is independent");
    }
}
