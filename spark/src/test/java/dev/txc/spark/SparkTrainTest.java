package dev.txc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.ModelBundle;
import dev.txc.runtime.model.ModelState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's acceptance: the logistic regression of examples/logistic.tx, compiled with {@code --spark train}, trained
 * on Spark in local mode against the same steps in one process (the model's own {@code train} on all rows); a task
 * that fails once; data from Dataset columns; the txc-spark command.
 */
class SparkTrainTest {
    @TempDir
    static Path dir;
    static Path jar;

    @BeforeAll
    static void compileModel() {
        jar = dir.resolve("logistic.jar");
        var err = new ByteArrayOutputStream();
        int status = dev.txc.driver.Main.run(new String[] {"compile", repoFile("examples/logistic.tx").toString(), "--spark", "train", "-o", jar.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void millionRowsInEightPartitionsMatchOneProcess() throws java.io.IOException {
        int n = 1_000_000, steps = 100;
        Map<String, NDArray> data = data(n, 14);
        ModelState alone = trainAlone(data, steps);
        SparkSession spark = session("local[2]");
        try {
            var sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            var dp = new DataParallel(sc, ModelRef.of(jar), "train");
            Path files = Files.createDirectories(dir.resolve("million"));
            data.forEach((name, a) -> Npy.write(files.resolve(name + ".npy"), a));
            JavaRDD<RowBlock> rdd = RowData.fromNpy(sc, files, dp.rowVariables(), 8).cache();
            assertEquals(8, rdd.getNumPartitions());
            long rows = dp.rows(rdd);
            assertEquals(n, rows);
            for (int s = 0; s < steps; s++) dp.step(rdd, rows);
            assertClose(alone, dp.state(), 1e-9);
        } finally {
            spark.stop();
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged() {
        Map<String, NDArray> data = data(20_000, 3);
        SparkSession spark = session("local[2,2]");
        try {
            var sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<RowBlock> rdd = blocks(sc, data, 4).cache();
            var clean = new DataParallel(sc, ModelRef.of(jar), "train");
            var failing = new DataParallel(sc, ModelRef.of(jar), "train").failOnce(2, 1);
            long rows = clean.rows(rdd);
            int before = DataParallel.INJECTED.get();
            for (int s = 0; s < 5; s++) {
                List<NDArray> a = clean.step(rdd, rows), b = failing.step(rdd, rows);
                assertArrayEquals(a.getFirst().toDoubleArray(), b.getFirst().toDoubleArray(), "cost at step " + s);
            }
            assertEquals(before + 1, DataParallel.INJECTED.get(), "one task failed on purpose");
            for (String v : List.of("w", "b")) assertArrayEquals(clean.state().get(v).toDoubleArray(), failing.state().get(v).toDoubleArray(), v);
            assertClose(trainAlone(data, 5), failing.state(), 1e-12);
        } finally {
            spark.stop();
        }
    }

    @Test
    void miniBatchesTrainOnTheChosenPartitions() {
        Map<String, NDArray> data = data(8_000, 11);
        SparkSession spark = session("local[2]");
        try {
            var sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<RowBlock> rdd = blocks(sc, data, 5).cache();
            var dp = new DataParallel(sc, ModelRef.of(jar), "train");
            long[] sizes = dp.partitionRows(rdd);
            assertEquals(8_000, java.util.Arrays.stream(sizes).sum());
            ModelBundle.Loaded model = ModelRef.of(jar).load();
            ModelState alone = model.newState();
            for (int step = 0; step < 4; step++) {
                dp.miniBatchStep(rdd, sizes, 2, 42);
                var chosen = DataParallel.choose(5, 2, 42, step);
                assertEquals(2, chosen.size());
                var parts = new ArrayList<NDArray[]>();
                for (int p : chosen) parts.add(new NDArray[] {rowsOf(data.get("X"), p, 5), rowsOf(data.get("y"), p, 5)});
                alone.set("X", concat(parts.stream().map(a -> a[0]).toList()));
                alone.set("y", concat(parts.stream().map(a -> a[1]).toList()));
                model.program().call("train", List.of(), alone);
            }
            assertClose(alone, dp.state(), 1e-12);
        } finally {
            spark.stop();
        }
    }

    private static NDArray rowsOf(NDArray a, int p, int partitions) {
        int n = a.dim(0);
        return a.slice(0, (int) ((long) n * p / partitions), (int) ((long) n * (p + 1) / partitions), 1).contiguous();
    }

    private static NDArray concat(List<NDArray> parts) {
        int rows = parts.stream().mapToInt(a -> a.dim(0)).sum(), width = parts.getFirst().size() / Math.max(1, parts.getFirst().dim(0));
        double[] all = new double[rows * width];
        int at = 0;
        for (NDArray a : parts) {
            double[] d = a.toDoubleArray();
            System.arraycopy(d, 0, all, at, d.length);
            at += d.length;
        }
        int[] shape = parts.getFirst().rank() == 1 ? new int[] {rows} : new int[] {rows, width};
        return NDArray.ofDoubles(all, shape);
    }

    @Test
    void datasetColumnsTrainLikeNpyFiles() {
        Map<String, NDArray> data = data(5_000, 5);
        SparkSession spark = session("local[2]");
        try {
            var rows = new ArrayList<Row>();
            NDArray x = data.get("X"), y = data.get("y");
            for (int r = 0; r < 5_000; r++) {
                var features = new ArrayList<Double>();
                for (int k = 0; k < 5; k++) features.add(x.getDouble(r, k));
                rows.add(RowFactory.create(features, y.getDouble(r)));
            }
            StructType schema = new StructType()
                    .add("X", DataTypes.createArrayType(DataTypes.DoubleType))
                    .add("y", DataTypes.DoubleType);
            Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(3);
            var sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            var dp = new DataParallel(sc, ModelRef.of(jar), "train");
            JavaRDD<RowBlock> rdd = RowData.fromDataset(df, dp.rowVariables()).cache();
            long n = dp.rows(rdd);
            assertEquals(5_000, n);
            for (int s = 0; s < 4; s++) dp.step(rdd, n);
            assertClose(trainAlone(data, 4), dp.state(), 1e-12);
        } finally {
            spark.stop();
        }
    }

    @Test
    void theCommandTrainsAndSavesTheState() throws Exception {
        Map<String, NDArray> data = data(3_000, 7);
        Path in = Files.createDirectories(dir.resolve("data"));
        data.forEach((name, a) -> Npy.write(in.resolve(name + ".npy"), a));
        Path state = dir.resolve("trained");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--model", jar.toString(), "--fn", "train", "--data", in.toString(), "--partitions", "3", "--steps", "6",
                "--print-every", "3", "--save-state", state.toString(), "--master", "local[2]"}, new PrintStream(out), new PrintStream(err));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(text.startsWith("step 3: cost = ") && text.contains("\nstep 6: cost = "), text);
        ModelState alone = trainAlone(data, 6);
        for (String v : List.of("w", "b")) {
            double[] e = alone.get(v).toDoubleArray(), g = Npy.read(state.resolve(v + ".npy")).toDoubleArray();
            for (int k = 0; k < e.length; k++) assertEquals(e[k], g[k], 1e-12 * Math.max(1, Math.abs(e[k])), v);
        }

        var usage = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"--model", jar.toString()}, new PrintStream(out), new PrintStream(usage)));
        assertTrue(usage.toString(StandardCharsets.UTF_8).contains("missing --fn"), usage.toString(StandardCharsets.UTF_8));
        var noOutput = new ByteArrayOutputStream();
        assertEquals(1, Main.run(new String[] {"--model", jar.toString(), "--fn", "accuracy", "--data", in.toString(), "--master", "local[1]"},
                new PrintStream(out), new PrintStream(noOutput)));
        assertTrue(noOutput.toString(StandardCharsets.UTF_8).contains("accuracy has no updates, so txc-spark maps it over the rows of the data; give --output OUT"),
                noOutput.toString(StandardCharsets.UTF_8));
        Path plain = dir.resolve("plain.jar");
        assertEquals(0, dev.txc.driver.Main.run(new String[] {"compile", repoFile("examples/logistic.tx").toString(), "-o", plain.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        var noSplit = new ByteArrayOutputStream();
        assertEquals(1, Main.run(new String[] {"--model", plain.toString(), "--fn", "train", "--data", in.toString(), "--master", "local[1]"},
                new PrintStream(out), new PrintStream(noSplit)));
        assertTrue(noSplit.toString(StandardCharsets.UTF_8).contains("has no split of 'train'; compile it with txc compile logistic.tx --spark train"),
                noSplit.toString(StandardCharsets.UTF_8));
    }

    @Test
    void inferenceMapsAPureFunctionOverTheRows() {
        Map<String, NDArray> data = data(1_000, 9);
        NDArray x = data.get("X");
        SparkSession spark = session("local[2]");
        try {
            var rows = new ArrayList<Row>();
            for (int r = 0; r < 1_000; r++) {
                var features = new ArrayList<Double>();
                for (int k = 0; k < 5; k++) features.add(x.getDouble(r, k));
                rows.add(RowFactory.create((long) r, features));
            }
            StructType schema = new StructType().add("id", DataTypes.LongType).add("x", DataTypes.createArrayType(DataTypes.DoubleType));
            Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(4);
            ModelBundle.Loaded model = ModelRef.of(jar).load();
            ModelState trained = trainAlone(data, 3);
            var shared = new java.util.LinkedHashMap<String, NDArray>();
            for (String v : trained.names()) shared.put(v, trained.get(v));
            List<Row> out = RowMap.apply(spark, ModelRef.of(jar), "predict", shared, df).collectAsList();
            NDArray want = model.program().call("predict", List.of(x), trained).getFirst();
            assertEquals(1_000, out.size());
            int positive = 0;
            for (Row r : out) {
                boolean got = r.getBoolean(r.fieldIndex("predict"));
                assertEquals(want.getBoolean((int) r.getLong(0)), got, "row " + r.getLong(0));
                if (got) positive++;
            }
            assertTrue(positive > 100 && positive < 900, "predictions are not all one label: " + positive);

            Path in = dir.resolve("rows.parquet"), result = dir.resolve("prob.parquet");
            df.write().parquet(in.toString());
            var err = new ByteArrayOutputStream();
            assertEquals(0, Main.run(new String[] {"--model", jar.toString(), "--fn", "prob", "--data", in.toString(), "--output", result.toString(),
                    "--master", "local[2]"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)), err.toString(StandardCharsets.UTF_8));
            spark = session("local[2]"); // the command stopped the session it shared
            NDArray probs = model.program().call("prob", List.of(x), model.newState()).getFirst();
            List<Row> read = spark.read().parquet(result.toString()).collectAsList();
            assertEquals(1_000, read.size());
            for (Row r : read) assertEquals(probs.getDouble((int) r.getLong(0)), r.getDouble(r.fieldIndex("prob")), 1e-15, "prob of row " + r.getLong(0));
        } finally {
            spark.stop();
        }
    }

    // ---- helpers ----

    /** The reference: the model's own train function, called steps times in one process with all rows. */
    private static ModelState trainAlone(Map<String, NDArray> data, int steps) {
        ModelBundle.Loaded model = ModelRef.of(jar).load();
        ModelState s = model.newState();
        data.forEach(s::set);
        for (int k = 0; k < steps; k++) model.program().call("train", List.of(), s);
        return s;
    }

    private static void assertClose(ModelState expected, ModelState got, double rel) {
        for (String v : List.of("w", "b")) {
            double[] e = expected.get(v).toDoubleArray(), g = got.get(v).toDoubleArray();
            for (int k = 0; k < e.length; k++)
                assertTrue(Math.abs(e[k] - g[k]) <= rel * Math.abs(e[k]), v + "[" + k + "]: " + e[k] + " vs " + g[k] + " (relative " + Math.abs(e[k] - g[k]) / Math.abs(e[k]) + ")");
        }
    }

    private static JavaRDD<RowBlock> blocks(JavaSparkContext sc, Map<String, NDArray> data, int partitions) {
        int n = data.get("y").dim(0);
        var list = new ArrayList<RowBlock>();
        for (int p = 0; p < partitions; p++) list.add(RowBlock.slice(data, (int) ((long) n * p / partitions), (int) ((long) n * (p + 1) / partitions)));
        return sc.parallelize(list, partitions);
    }

    /** n rows of 5 standard normal features and labels from a noisy linear rule. */
    private static Map<String, NDArray> data(int n, long seed) {
        var rnd = new Random(seed);
        double[] x = new double[n * 5], y = new double[n], wTrue = {1.5, -2, 0.5, 0, 1};
        for (int r = 0; r < n; r++) {
            double z = 0.3 * rnd.nextGaussian();
            for (int k = 0; k < 5; k++) {
                x[r * 5 + k] = rnd.nextGaussian();
                z += wTrue[k] * x[r * 5 + k];
            }
            y[r] = z > 0 ? 1 : 0;
        }
        return Map.of("X", NDArray.ofDoubles(x, n, 5), "y", NDArray.ofDoubles(y, n));
    }

    private static SparkSession session(String master) {
        return SparkSession.builder().master(master).appName("txc-test").config("spark.ui.enabled", "false").getOrCreate();
    }

    private static Path repoFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve(relative);
            if (Files.exists(p) && Files.isDirectory(d.resolve("spark"))) return p;
        }
        throw new IllegalStateException("cannot find " + relative);
    }
}
