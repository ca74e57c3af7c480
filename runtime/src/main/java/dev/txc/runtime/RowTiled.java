package dev.txc.runtime;

import dev.txc.runtime.model.Partials;
import dev.txc.types.Combine;
import dev.txc.types.DType;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A function that reads large row data (say {@code x: f64[N, F]}, {@code y: f64[N]}) several times, run over blocks
 * of those rows that stay in the core's cache: its split ({@code F__part} on each block, the partial results combined,
 * then {@code F__merge}; see the optimizer's RowSplit) reads the data from memory once where the whole function reads
 * it once per pass ({@code x @ w}, then {@code x.T @ g}). The blocks are cut into one contiguous run per core, each
 * combined on its thread, then the runs in order, so a result depends only on the rows and the number of cores. Calls
 * whose row data is small run the whole function; the split is compiled on the first large call.
 */
public final class RowTiled implements CompiledFunction {
    /**
     * Row data below this many bytes runs the whole function: it is read from the last-level cache anyway, and each
     * block call costs (a few microseconds). 8 MB: on the machine of bench/RESULTS.md tiling gained at 10 MB of
     * logistic-regression data and lost on a 4 MB MLP batch.
     */
    public static final long MIN_BYTES = Long.getLong("txc.rowtile.min", 8L << 20);
    /** About this many bytes of row data per block: half of a core's L2 on the machines of bench/RESULTS.md. */
    public static final long BLOCK_BYTES = Long.getLong("txc.rowtile.block", 256L << 10);

    /**
     * The compiled split: the block function, the merge, how each of the block function's outputs combines, and the
     * dtype of each.
     */
    public record Split(CompiledFunction part, CompiledFunction merge, List<Combine> combines, List<DType> dtypes) {}

    private final CompiledFunction whole;
    private final int[] rowArgs;
    private final Supplier<Split> compile;
    private final long minBytes, blockBytes;
    private volatile Split split;
    private volatile boolean failed;

    /**
     * {@code whole}, run over blocks of the rows (axis 0) of its arguments {@code rowArgs} when they are large;
     * {@code compile} gives the split, or null where it cannot be compiled (then the whole function runs). Row data of
     * {@code minBytes} or more is cut into blocks of about {@code blockBytes} (at least 16 rows).
     */
    public RowTiled(CompiledFunction whole, int[] rowArgs, Supplier<Split> compile, long minBytes, long blockBytes) {
        this.whole = whole;
        this.rowArgs = rowArgs.clone();
        this.compile = compile;
        this.minBytes = minBytes;
        this.blockBytes = blockBytes;
    }

    /** Whether the function splits over rows (compiling the split if no call has yet). */
    public boolean splits() {
        return split() != null;
    }

    @Override
    public NDArray[] call(NDArray[] args, NDArray[] shared, NDArray[] targets) {
        int n = args[rowArgs[0]].dim(0);
        long rowBytes = 0;
        for (int i : rowArgs) {
            NDArray a = args[i];
            // row arguments typed ? may differ in length (one of them broadcast): those calls run whole
            if (a.dim(0) != n) return whole.call(args, shared, targets);
            rowBytes += n == 0 ? 0 : (long) (a.size() / n) * a.dtype().itemSize();
        }
        int block = (int) Math.max(16, Math.min(Integer.MAX_VALUE, blockBytes / Math.max(1, rowBytes)));
        if ((long) n * rowBytes < minBytes || n < 2 * block) return whole.call(args, shared, targets);
        Split s = split();
        if (s == null) return whole.call(args, shared, targets);
        NDArray rows = NDArray.scalar((long) n);
        int blocks = (n + block - 1) / block, runs = Math.min(Parallel.CORES, blocks);
        NDArray[][] partial = new NDArray[runs][];
        Parallel.forRange(runs, Long.MAX_VALUE, (from, to) -> {
            for (int r = from; r < to; r++)
                partial[r] = run(s, args, shared, rows, n, block, (int) ((long) blocks * r / runs), (int) ((long) blocks * (r + 1) / runs));
        });
        for (int r = 1; r < runs; r++) combine(s.combines(), partial[0], partial[r]);
        NDArray[] mergeArgs = Arrays.copyOf(args, args.length + partial[0].length + 1);
        for (int k = 0; k < partial[0].length; k++) mergeArgs[args.length + k] = partial[0][k].astype(s.dtypes().get(k));
        mergeArgs[mergeArgs.length - 1] = rows;
        return s.merge().call(mergeArgs, shared, targets);
    }

    /** The combined partial results of blocks {@code [b0, b1)}. */
    private NDArray[] run(Split s, NDArray[] args, NDArray[] shared, NDArray rows, int n, int block, int b0, int b1) {
        NDArray[] in = Arrays.copyOf(args, args.length + 1);
        in[args.length] = rows;
        NDArray[] acc = null;
        for (int b = b0; b < b1; b++) {
            int r0 = b * block, r1 = Math.min(n, r0 + block);
            for (int i : rowArgs) in[i] = args[i].slice(0, r0, r1, 1);
            NDArray[] out = s.part().call(in, shared);
            if (acc == null) {
                // float partial results are combined in f64 and rounded once, as a whole-data f32 sum accumulates
                acc = new NDArray[out.length];
                for (int k = 0; k < out.length; k++) acc[k] = out[k].dtype().isFloat() && out[k].dtype() != DType.F64 ? out[k].astype(DType.F64) : out[k].copy();
            } else {
                combine(s.combines(), acc, out);
            }
        }
        return acc;
    }

    /** {@code acc[k]} combined in place with {@code more[k]}, output by output. */
    private static void combine(List<Combine> combines, NDArray[] acc, NDArray[] more) {
        for (int k = 0; k < acc.length; k++) {
            Combine c = combines.get(k);
            NDArray a = acc[k], b = more[k];
            if (a.size() != b.size() || a.dtype().isFloat() != b.dtype().isFloat())
                throw new IllegalStateException("partial results differ: " + a.dtype() + Arrays.toString(a.shape()) + " and " + b.dtype() + Arrays.toString(b.shape()));
            Buffer buf = a.buffer();
            if (a.dtype().isFloat()) {
                if (a.heapArray() instanceof double[] x && b.isContiguous() && b.heapArray() instanceof double[] y && c == Combine.SUM) {
                    for (int i = 0, o = b.offset(), len = a.size(); i < len; i++) x[i] += y[o + i];
                    continue;
                }
                for (int i = 0; i < a.size(); i++) buf.setDouble(i, Partials.apply(c, buf.getDouble(i), b.getDoubleFlat(i)));
            } else {
                for (int i = 0; i < a.size(); i++) buf.setLong(i, Partials.apply(c, buf.getLong(i), b.buffer().getLong(b.flatPosition(i))));
            }
        }
    }

    private Split split() {
        Split s = split;
        if (s != null || failed) return s;
        synchronized (this) {
            if (split == null && !failed) {
                split = compile.get();
                failed = split == null;
            }
            return split;
        }
    }

    @Override
    public void kernel(int kernel, Loop loop, int lo, int hi) {
        whole.kernel(kernel, loop, lo, hi);
    }
}
