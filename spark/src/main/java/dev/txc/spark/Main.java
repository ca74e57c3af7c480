package dev.txc.spark;

import dev.txc.runtime.Format;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.model.FunctionSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code txc-spark}: trains a compiled model on Spark.
 * <pre>
 * txc-spark --model MODEL.jar --fn FN --data DATA [--partitions K] [--steps S] [--print-every K]
 *           [--load-state DIR] [--save-state DIR] [--master URL]
 * txc-spark --model MODEL.jar --fn FN --data DATA --output OUT [--load-state DIR] [--master URL]
 * </pre>
 * Training, when the jar holds {@code FN}'s split ({@code txc compile --spark FN}): {@code DATA} is a directory holding
 * {@code NAME.npy} for every row variable (each of K partitions reads its rows), or anything {@code spark.read} loads
 * (Parquet by default, another format with {@code --format}) with a column per row variable. Inference, for a
 * function without updates: {@link RowMap} appends its outputs as columns and writes {@code OUT} in the same format.
 * Exit status: 0, 1 for a user error (message on stderr), 2 for a usage error.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static final String USAGE = "usage: txc-spark --model MODEL.jar --fn FN --data DATA [--partitions K] [--steps S] [--print-every K]\n"
            + "                 [--batch-partitions B] [--load-state DIR] [--save-state DIR] [--master URL] [--format parquet|json|csv|orc]\n"
            + "       txc-spark --model MODEL.jar --fn FN --data DATA --output OUT [--load-state DIR] [--master URL] [--format F]\n"
            + "trains FN split over rows (txc compile MODEL.tx --spark FN), or maps FN, a function without updates, over the rows of DATA";

    static int run(String[] args, PrintStream out, PrintStream err) {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("txc-spark: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (a == null) {
            out.println(USAGE);
            return 0;
        }
        try {
            train(a, out, err);
            return 0;
        } catch (Exception e) { // Spark's Scala code throws checked exceptions undeclared
            if (e instanceof IllegalArgumentException || e instanceof dev.txc.runtime.TxRuntimeException
                    || e instanceof java.io.UncheckedIOException || e instanceof org.apache.spark.sql.AnalysisException) {
                err.println("txc-spark: error: " + e.getMessage());
                return 1;
            }
            if (e instanceof org.apache.spark.SparkException) {
                // A task failed for good: say what failed in it (Spark's message holds the whole remote stack trace).
                Throwable root = e;
                while (root.getCause() != null) root = root.getCause();
                err.println("txc-spark: error: a Spark job failed: " + root);
                return 1;
            }
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e);
        }
    }

    private static void train(Args a, PrintStream out, PrintStream err) {
        ModelRef model = ModelRef.of(a.model);
        if (!a.data.toString().contains(":") && !Files.exists(a.data)) throw new IllegalArgumentException("no data at " + a.data);
        var builder = SparkSession.builder().appName("txc " + a.fn);
        // A master from --master, else spark-submit's (the spark.master property), else local mode on every core.
        if (a.master != null) builder.master(a.master);
        else if (System.getProperty("spark.master") == null) builder.master("local[*]");
        SparkSession spark = builder.getOrCreate();
        try {
            var sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            sc.addJar(Path.of(model.jar()).toUri().toString());
            var spec = model.load().spec();
            if (spec.functionOrNull(a.fn + "__part") == null && spec.function(a.fn).isPure()) {
                infer(spark, model, a);
                return;
            }
            if (a.output != null) throw new IllegalArgumentException("--output is for inference, but " + a.fn + " updates shared variables");
            var dp = new DataParallel(sc, model, a.fn);
            if (a.loadState != null) dp.state().load(a.loadState);
            JavaRDD<RowBlock> data = Files.isDirectory(a.data) && Files.exists(a.data.resolve(dp.rowVariables().getFirst().name() + ".npy"))
                    ? RowData.fromNpy(sc, a.data, dp.rowVariables(), a.partitions)
                    : RowData.fromDataset(spark.read().format(a.format).load(a.data.toString()).repartition(a.partitions), dp.rowVariables());
            data.persist(StorageLevel.MEMORY_ONLY());
            long rows = dp.rows(data);
            long[] partitionRows = a.batch > 0 ? dp.partitionRows(data) : null;
            FunctionSpec f = model.load().spec().function(a.fn);
            long start = System.nanoTime();
            List<NDArray> outs = List.of();
            for (int s = 1; s <= a.steps; s++) {
                outs = a.batch > 0 ? dp.miniBatchStep(data, partitionRows, a.batch, 0) : dp.step(data, rows);
                if (a.printEvery > 0 && (s % a.printEvery == 0 || s == a.steps)) print(out, "step " + s + ": ", f, outs);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (a.printEvery == 0) print(out, "", f, outs);
            err.printf(Locale.ROOT, "txc-spark: %d steps on %d rows in %d partitions: %.2f s, %.1f ms per step%n",
                    a.steps, rows, data.getNumPartitions(), secs, 1e3 * secs / Math.max(1, a.steps));
            if (a.saveState != null) dp.state().save(a.saveState);
        } finally {
            spark.stop();
        }
    }

    /** Inference: FN's outputs appended to the rows of DATA, written to OUT. */
    private static void infer(SparkSession spark, ModelRef model, Args a) {
        if (a.output == null) throw new IllegalArgumentException(a.fn + " has no updates, so txc-spark maps it over the rows of the data; give --output OUT");
        if (Files.isDirectory(a.data) && !Files.exists(a.data.resolve("_SUCCESS")) && hasNpy(a.data))
            throw new IllegalArgumentException("inference reads the rows with spark.read (--format " + a.format + "), not .npy files");
        var state = model.load().newState();
        if (a.loadState != null) state.load(a.loadState);
        var shared = new java.util.LinkedHashMap<String, NDArray>();
        for (String v : state.names()) shared.put(v, state.get(v));
        var in = spark.read().format(a.format).load(a.data.toString());
        RowMap.apply(spark, model, a.fn, shared, in).write().format(a.format).save(a.output.toString());
    }

    private static boolean hasNpy(Path dir) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".npy"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void print(PrintStream out, String prefix, FunctionSpec f, List<NDArray> outs) {
        for (int k = 0; k < outs.size(); k++) out.println(prefix + f.outputs().get(k).name() + " = " + Format.text(outs.get(k)));
    }

    /** The command line. */
    record Args(Path model, String fn, Path data, int partitions, int steps, int printEvery, Path loadState, Path saveState, String master, String format,
                Path output, int batch) {
        /** The arguments, or null for --help; an IllegalArgumentException for a usage error. */
        static Args parse(String[] args) {
            var v = new java.util.HashMap<String, String>();
            for (int k = 0; k < args.length; k++) {
                String s = args[k];
                if (s.equals("-h") || s.equals("--help")) return null;
                if (!s.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + s + "'");
                String name = s.substring(2), value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else {
                    if (k + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
                    value = args[++k];
                }
                if (!List.of("model", "fn", "data", "partitions", "steps", "print-every", "load-state", "save-state", "master", "format", "output", "batch-partitions").contains(name))
                    throw new IllegalArgumentException("unknown flag --" + name);
                if (v.put(name, value) != null) throw new IllegalArgumentException("--" + name + " given twice");
            }
            for (String req : List.of("model", "fn", "data")) if (!v.containsKey(req)) throw new IllegalArgumentException("missing --" + req);
            return new Args(Path.of(v.get("model")), v.get("fn"), Path.of(v.get("data")), count(v, "partitions", 8, 1), count(v, "steps", 1, 1),
                    count(v, "print-every", 0, 0), path(v.get("load-state")), path(v.get("save-state")), v.get("master"), v.getOrDefault("format", "parquet"), path(v.get("output")),
                    count(v, "batch-partitions", 0, 1));
        }

        private static int count(java.util.Map<String, String> v, String name, int dflt, int min) {
            String s = v.get(name);
            if (s == null) return dflt;
            try {
                int n = Integer.parseInt(s);
                if (n >= min) return n;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--" + name + " must be an integer >= " + min + ", got '" + s + "'");
        }

        private static Path path(String s) {
            return s == null ? null : Path.of(s);
        }
    }
}
