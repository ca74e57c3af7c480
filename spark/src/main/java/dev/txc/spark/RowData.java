package dev.txc.spark;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.SharedSpec;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row data for a model, as an RDD of {@link RowBlock}s: from {@code .npy} files (read on the driver and cut into
 * consecutive blocks, one per partition), or from any Spark {@code Dataset} with one column per row variable (a
 * number per row for a variable of rank 1, an array of numbers for rank 2), converted on the executors.
 */
public final class RowData {
    private RowData() {}

    /** The row variables of a model: shared variables whose first dimension is {@code ?}, in declaration order. */
    public static List<SharedSpec> rowVariables(List<SharedSpec> shared) {
        return shared.stream().filter(s -> s.type().rank() >= 1 && s.type().dim(0) instanceof Dim.Any).toList();
    }

    /**
     * {@code DIR/NAME.npy} for every row variable, cut into {@code partitions} blocks of consecutive rows; each task
     * reads its own rows from the files (so {@code DIR} must be readable where tasks run: local runs, shared disks).
     */
    public static JavaRDD<RowBlock> fromNpy(JavaSparkContext sc, Path dir, List<SharedSpec> rowVars, int partitions) {
        var files = new ArrayList<String>();
        int n = -1;
        for (SharedSpec v : rowVars) {
            Path file = dir.resolve(v.name() + ".npy").toAbsolutePath();
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no " + file + " for row variable " + v);
            int[] shape = Npy.shape(file);
            if (v.type().shapeProblem(shape) != null) throw new IllegalArgumentException(file + " has shape " + java.util.Arrays.toString(shape) + ", which does not fit " + v);
            if (n >= 0 && shape[0] != n) throw new IllegalArgumentException(file + " has " + shape[0] + " rows, the other row variables " + n);
            n = shape[0];
            files.add(file.toString());
        }
        var ranges = new ArrayList<NpyRows>();
        var columns = rowVars.stream().map(Column::of).toList();
        for (int p = 0; p < partitions; p++) ranges.add(new NpyRows(columns, files, (int) ((long) n * p / partitions), (int) ((long) n * (p + 1) / partitions)));
        return sc.parallelize(ranges, partitions).map(NpyRows::read);
    }

    /** Rows {@code [from, to)} of each file, read where the task runs. */
    private record NpyRows(List<Column> columns, List<String> files, int from, int to) implements java.io.Serializable {
        RowBlock read() {
            var m = new LinkedHashMap<String, NDArray>();
            for (int k = 0; k < files.size(); k++) {
                NDArray a = Npy.readRows(Path.of(files.get(k)), from, to);
                Column c = columns.get(k);
                if (a.dtype() != DType.valueOf(c.dtype())) throw new IllegalArgumentException(files.get(k) + " holds " + a.dtype().spelling() + ", row variable " + c.describe() + " needs " + DType.valueOf(c.dtype()).spelling());
                m.put(c.name(), a);
            }
            return new RowBlock(m);
        }
    }

    /** One block per partition of {@code data}, whose columns are named after the row variables. */
    public static JavaRDD<RowBlock> fromDataset(Dataset<Row> data, List<SharedSpec> rowVars) {
        var columns = List.of(data.columns());
        for (SharedSpec v : rowVars) {
            if (!columns.contains(v.name())) throw new IllegalArgumentException("the data has no column '" + v.name() + "' for row variable " + v + " (columns: " + columns + ")");
            if (v.type().rank() > 2 || (v.type().rank() == 2 && !v.type().dim(1).isKnown()))
                throw new IllegalArgumentException("row variable " + v + " needs rank 1, or rank 2 with a known width, to come from a column");
        }
        var readers = rowVars.stream().map(Column::of).toList();
        return data.javaRDD().mapPartitions(rows -> List.of(block(rows, readers)).iterator());
    }

    /** What a task needs of a row variable to read its column: name, dtype, width (0 for rank 1). */
    record Column(String name, String dtype, int width) implements java.io.Serializable {
        static Column of(SharedSpec v) {
            return of(v.name(), v.type());
        }

        /** A column for values of type {@code t}: rank 1 (a number per row), or rank 2 with a known width. */
        static Column of(String name, dev.txc.types.TensorType t) {
            if (t.rank() < 1 || t.rank() > 2 || (t.rank() == 2 && !t.dim(1).isKnown()))
                throw new IllegalArgumentException("'" + name + "' has type " + t + "; a column holds a number per row (rank 1) or an array of known width (rank 2)");
            return new Column(name, t.dtype().name(), t.rank() == 2 ? (int) t.dim(1).size() : 0);
        }

        String describe() {
            return name + ": " + DType.valueOf(dtype).spelling() + (width == 0 ? "[?]" : "[?, " + width + "]");
        }
    }

    private static RowBlock block(Iterator<Row> rows, List<Column> columns) {
        var list = new ArrayList<Row>();
        rows.forEachRemaining(list::add);
        var m = new LinkedHashMap<String, NDArray>();
        for (Column c : columns) m.put(c.name(), column(list, c));
        return new RowBlock(m);
    }

    static NDArray column(List<Row> rows, Column v) {
        int width = Math.max(1, v.width());
        double[] x = new double[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int c = row.fieldIndex(v.name());
            if (row.isNullAt(c)) throw new IllegalArgumentException("row " + r + " of a partition has no value for '" + v.name() + "'");
            if (v.width() == 0) x[r] = number(row.get(c), v);
            else {
                List<Object> items = row.getList(c);
                if (items.size() != width) throw new IllegalArgumentException("'" + v.name() + "' has " + items.size() + " values in a row, " + v.describe() + " needs " + width);
                for (int k = 0; k < width; k++) x[r * width + k] = number(items.get(k), v);
            }
        }
        int[] shape = v.width() == 0 ? new int[] {rows.size()} : new int[] {rows.size(), width};
        NDArray a = NDArray.wrap(DType.F64, x, shape);
        DType d = DType.valueOf(v.dtype());
        return d == DType.F64 ? a : a.astype(d);
    }

    private static double number(Object o, Column v) {
        return switch (o) {
            case Number n -> n.doubleValue();
            case Boolean b -> b ? 1 : 0;
            case null, default -> throw new IllegalArgumentException("'" + v.name() + "' holds " + o + ", not a number");
        };
    }
}
