package dev.txc.runtime.model;

import dev.txc.runtime.Format;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a function from a command line, for {@code txc run} and {@code java -jar model.jar} alike: converts the
 * {@code --arg} values, loads state, calls the function {@code --repeat} times with a progress bar, prints outputs
 * every {@code --print-every} calls and after the last one (text or JSON), and saves state.
 */
public final class Runner {
    private Runner() {}

    /**
     * Runs {@code o} against {@code program} and {@code state}. {@code terminal} says whether {@code err} is a
     * terminal, where the progress bar is drawn (only for text output). Errors are TxRuntimeExceptions.
     */
    public static void run(ModelSpec spec, Program program, ModelState state, RunOptions o, PrintStream out, PrintStream err, boolean terminal) {
        FunctionSpec f = spec.function(o.fn());
        List<NDArray> args = ArgValues.convert(f, o.args(), o.allowDowncast());
        if (o.loadState() != null) state.load(o.loadState());
        // The command line's loop is the only user of this state: updates may overwrite the variables' buffers.
        state.exclusive(true);
        List<String> names = f.outputNames();
        int repeat = o.repeat(), every = o.printEvery();
        boolean json = o.json();
        var steps = new ArrayList<String>();
        var progress = new Progress(err, repeat, terminal && !json);
        List<NDArray> outs = List.of();
        for (long step = 1; step <= repeat; step++) {
            try {
                outs = program.call(f.name(), args, state);
            } catch (TxRuntimeException e) {
                if (repeat == 1) throw e;
                progress.clear();
                throw new TxRuntimeException(e.getMessage() + " (in call " + step + " of " + repeat + ")", e);
            }
            if (every > 0 && step % every == 0 && step < repeat) {
                if (json) {
                    steps.add("{\"step\": " + step + ", \"outputs\": " + jsonOutputs(names, outs) + "}");
                } else {
                    progress.clear();
                    for (int k = 0; k < outs.size(); k++) out.println("[step " + step + "] " + names.get(k) + " = " + Format.text(outs.get(k)));
                    out.flush();
                }
            }
            progress.update(step);
        }
        progress.clear();
        program.flush(state);
        if (o.saveState() != null) state.save(o.saveState());
        if (json) {
            out.print("{\"outputs\": " + jsonOutputs(names, outs));
            if (!steps.isEmpty()) out.print(", \"steps\": [" + String.join(", ", steps) + "]");
            out.println("}");
        } else {
            for (int k = 0; k < outs.size(); k++) out.println(names.get(k) + " = " + Format.text(outs.get(k)));
        }
    }

    /** {@code [{"name": ..., "dtype": ..., "shape": [...], "data": ...}, ...]}. */
    public static String jsonOutputs(List<String> names, List<NDArray> outs) {
        var sb = new StringBuilder("[");
        for (int k = 0; k < outs.size(); k++) {
            NDArray a = outs.get(k);
            if (k > 0) sb.append(", ");
            sb.append("{\"name\": ").append(Format.jsonString(names.get(k)))
              .append(", \"dtype\": ").append(Format.jsonString(a.dtype().spelling()))
              .append(", \"shape\": ").append(Arrays.toString(a.shape()))
              .append(", \"data\": ").append(Format.json(a)).append('}');
        }
        return sb.append(']').toString();
    }
}
