package dev.txc.spark;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelBundle;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Partials;
import dev.txc.runtime.model.SharedSpec;
import dev.txc.types.Combine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel training of a compiled model on Spark. The model jar holds function {@code FN} split over rows
 * ({@code txc compile MODEL.tx --spark FN}): each step broadcasts the model's other shared variables (the parameters),
 * runs {@code FN__part} on every block of rows in parallel, combines the partial results on the driver in partition
 * order, and calls {@code FN__merge} there, which computes {@code FN}'s outputs and applies its updates to the driver's
 * state. The result is {@code FN} on all rows, up to the order of floating-point sums; it does not depend on how
 * tasks are scheduled or retried (the combination order is fixed).
 */
public final class DataParallel {
    private final JavaSparkContext sc;
    private final ModelRef model;
    private final String fn;
    private final ModelBundle.Loaded bundle;
    private final ModelState state;
    private final List<Combine> combines;
    private final List<String> rowVars;
    private int steps;
    /** How many failures {@link #failOnce} has injected in this JVM (tests of recovery read it in local mode). */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();
    private int failStep = -1, failPartition = -1;

    /** Training of function {@code fn} of {@code model}, starting from the state stored in the jar. */
    public DataParallel(JavaSparkContext sc, ModelRef model, String fn) {
        this.sc = sc;
        this.model = model;
        this.fn = fn;
        this.bundle = model.load();
        FunctionSpec f = bundle.spec().function(fn);
        if (!f.params().isEmpty()) throw new IllegalArgumentException(fn + " takes parameters " + f.parameterList() + "; a function trained on Spark takes none");
        FunctionSpec part = bundle.spec().functionOrNull(fn + "__part");
        if (part == null || bundle.spec().functionOrNull(fn + "__merge") == null)
            throw new IllegalArgumentException("the model jar has no split of '" + fn + "'; compile it with txc compile " + bundle.spec().source() + " --spark " + fn + " -o JAR");
        this.combines = Partials.combines(part);
        this.rowVars = RowData.rowVariables(bundle.spec().shared()).stream().map(SharedSpec::name).toList();
        this.state = bundle.newState();
    }

    /** The driver's state: the parameters as trained so far (row variables keep the jar's values). */
    public ModelState state() {
        return state;
    }

    /** The row variables every block must hold, in declaration order. */
    public List<SharedSpec> rowVariables() {
        return RowData.rowVariables(bundle.spec().shared());
    }

    /** For tests of recovery: the task of partition {@code partition} fails on its first attempt in step {@code step}. */
    public DataParallel failOnce(int step, int partition) {
        this.failStep = step;
        this.failPartition = partition;
        return this;
    }

    /** The number of rows in {@code data} (every block checked to hold every row variable). */
    public long rows(JavaRDD<RowBlock> data) {
        List<String> vars = rowVars;
        return data.map(b -> {
            if (!b.arrays().keySet().containsAll(vars)) throw new IllegalArgumentException("a block holds " + b.arrays().keySet() + ", the model's row variables are " + vars);
            return (long) b.rows();
        }).fold(0L, Long::sum);
    }

    /** The number of rows in each partition of {@code data}, in partition order. */
    public long[] partitionRows(JavaRDD<RowBlock> data) {
        List<long[]> counts = data.mapPartitionsWithIndex((p, it) -> {
            long n = 0;
            while (it.hasNext()) n += it.next().rows();
            return List.of(new long[] {p, n}).iterator();
        }, false).collect();
        long[] rows = new long[data.getNumPartitions()];
        for (long[] c : counts) rows[(int) c[0]] += c[1];
        return rows;
    }

    /**
     * One step of mini-batch training: {@code FN} on the rows of the {@code k} partitions chosen at random (with
     * {@code seed} and the step number, so a run can be repeated); {@code partitionRows} from {@link #partitionRows}.
     */
    public List<NDArray> miniBatchStep(JavaRDD<RowBlock> data, long[] partitionRows, int k, long seed) {
        var chosen = choose(partitionRows.length, k, seed, steps);
        long rows = 0;
        for (int p : chosen) rows += partitionRows[p];
        return step(data, chosen, rows);
    }

    /** The {@code k} of {@code partitions} partitions that mini-batch step {@code step} uses (0-based step). */
    static java.util.TreeSet<Integer> choose(int partitions, int k, long seed, int step) {
        var order = new ArrayList<Integer>();
        for (int p = 0; p < partitions; p++) order.add(p);
        java.util.Collections.shuffle(order, new java.util.Random(seed * 1_000_003L + step));
        return new java.util.TreeSet<>(order.subList(0, Math.min(k, partitions)));
    }

    /** One step on {@code data} ({@code rows} rows in all): {@code FN}'s outputs; the driver's state is updated. */
    public List<NDArray> step(JavaRDD<RowBlock> data, long rows) {
        return step(data, null, rows);
    }

    /** One step on the partitions {@code only} of {@code data} (all when null), which hold {@code rows} rows. */
    private List<NDArray> step(JavaRDD<RowBlock> data, java.util.Set<Integer> only, long rows) {
        var params = new LinkedHashMap<String, byte[]>();
        for (String v : state.names()) if (!rowVars.contains(v)) params.put(v, Npy.writeBytes(state.get(v)));
        Broadcast<Map<String, byte[]>> shared = sc.broadcast(params);
        Task task = new Task(model, fn + "__part", combines, shared, rows, steps == failStep ? failPartition : -1,
                only == null ? null : new java.util.TreeSet<>(only));
        List<Partial> parts;
        try {
            parts = new ArrayList<>(data.mapPartitionsWithIndex(task::run, false).collect());
        } finally {
            shared.destroy();
        }
        if (parts.isEmpty()) throw new IllegalArgumentException("the data has no rows");
        parts.sort(Comparator.comparingInt(Partial::partition));
        List<NDArray> sum = null;
        for (Partial p : parts) sum = sum == null ? p.values() : Partials.combine(combines, sum, p.values());
        var args = new ArrayList<>(sum);
        args.add(NDArray.scalar(rows));
        steps++;
        return bundle.program().call(fn + "__merge", args, state);
    }

    /** A partition's combined partial results, as .npy bytes. */
    record Partial(int partition, List<byte[]> npy) implements Serializable {
        List<NDArray> values() {
            return npy.stream().map(b -> Npy.readBytes(b, "partial result")).toList();
        }
    }

    /** What a task runs: {@code FN__part} on each block of its partition, with the broadcast parameters. */
    record Task(ModelRef model, String part, List<Combine> combines, Broadcast<Map<String, byte[]>> shared, long rows, int failPartition,
                java.util.TreeSet<Integer> only) implements Serializable {
        java.util.Iterator<Partial> run(int partition, java.util.Iterator<RowBlock> blocks) {
            if (only != null && !only.contains(partition)) return java.util.Collections.emptyIterator();
            TaskContext tc = TaskContext.get();
            if (partition == failPartition && tc != null && tc.attemptNumber() == 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("failure injected in partition " + partition + " (first attempt), to test recovery");
            }
            ModelBundle.Loaded b = model.load();
            ModelState s = b.newState();
            shared.value().forEach((name, bytes) -> s.set(name, Npy.readBytes(bytes, name)));
            List<NDArray> acc = null;
            while (blocks.hasNext()) {
                RowBlock block = blocks.next();
                if (block.rows() == 0) continue;
                block.arrays().forEach(s::set);
                List<NDArray> p = b.program().call(part, List.of(NDArray.scalar(rows)), s);
                acc = acc == null ? p : Partials.combine(combines, acc, p);
            }
            if (acc == null) return java.util.Collections.emptyIterator();
            return List.of(new Partial(partition, acc.stream().map(Npy::writeBytes).toList())).iterator();
        }
    }
}
