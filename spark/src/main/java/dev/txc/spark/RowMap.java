package dev.txc.spark;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelBundle;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.OutputSpec;
import dev.txc.runtime.model.ParamSpec;
import dev.txc.types.DType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Inference on Spark: a pure function of a compiled model applied to the rows of a {@code Dataset}, one partition at
 * a time (one call per partition, its rows as one block). Each parameter of the function comes from the column with
 * its name (a number per row for rank 1, an array of the declared width for rank 2); each output, which must have one
 * entry per row, becomes a column named after it, appended to the input's columns.
 */
public final class RowMap {
    private RowMap() {}

    /** {@code fn} of {@code model} over {@code data}, with the shared variables {@code shared} (e.g. trained ones). */
    public static Dataset<Row> apply(SparkSession spark, ModelRef model, String fn, Map<String, NDArray> shared, Dataset<Row> data) {
        FunctionSpec f = model.load().spec().function(fn);
        if (!f.isPure()) throw new IllegalArgumentException(fn + " updates shared variables; inference maps a function without updates");
        var columns = List.of(data.columns());
        var params = new ArrayList<RowData.Column>();
        for (ParamSpec p : f.params()) {
            if (!columns.contains(p.name())) throw new IllegalArgumentException("the data has no column '" + p.name() + "' for parameter " + p + " of " + fn + " (columns: " + columns + ")");
            params.add(RowData.Column.of(p.name(), p.type()));
        }
        StructType schema = data.schema();
        for (OutputSpec o : f.outputs()) {
            RowData.Column c = RowData.Column.of(o.name(), o.type());
            if (columns.contains(o.name())) throw new IllegalArgumentException("the data already has a column '" + o.name() + "' for output " + o.name() + " of " + fn);
            DataType t = sqlType(DType.valueOf(c.dtype()));
            schema = schema.add(o.name(), c.width() == 0 ? t : DataTypes.createArrayType(t, false), false);
        }
        var bytes = new LinkedHashMap<String, byte[]>();
        shared.forEach((name, a) -> bytes.put(name, Npy.writeBytes(a)));
        var sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        var task = new Task(model, fn, params, f.outputs().size(), sc.broadcast(bytes));
        JavaRDD<Row> out = data.javaRDD().mapPartitions(task::run);
        return spark.createDataFrame(out, schema);
    }

    private static DataType sqlType(DType d) {
        return switch (d) {
            case F64 -> DataTypes.DoubleType;
            case F32 -> DataTypes.FloatType;
            case I64 -> DataTypes.LongType;
            case I32 -> DataTypes.IntegerType;
            case I16, U8 -> DataTypes.ShortType;
            case I8 -> DataTypes.ByteType;
            case BOOL -> DataTypes.BooleanType;
        };
    }

    /** A partition's rows in, the same rows with the outputs appended out. */
    private record Task(ModelRef model, String fn, List<RowData.Column> params, int outputs, Broadcast<Map<String, byte[]>> shared) implements Serializable {
        Iterator<Row> run(Iterator<Row> in) {
            var rows = new ArrayList<Row>();
            in.forEachRemaining(rows::add);
            if (rows.isEmpty()) return java.util.Collections.emptyIterator();
            ModelBundle.Loaded b = model.load();
            ModelState s = b.newState();
            shared.value().forEach((name, bytes) -> s.set(name, Npy.readBytes(bytes, name)));
            var args = new ArrayList<NDArray>();
            for (RowData.Column c : params) args.add(RowData.column(rows, c));
            List<NDArray> outs = b.program().call(fn, args, s);
            for (NDArray o : outs)
                if (o.rank() == 0 || o.dim(0) != rows.size())
                    throw new IllegalArgumentException(fn + " gave an output of shape " + java.util.Arrays.toString(o.shape()) + " for " + rows.size() + " rows; inference needs one entry per row");
            var result = new ArrayList<Row>(rows.size());
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                Object[] v = new Object[row.length() + outputs];
                for (int k = 0; k < row.length(); k++) v[k] = row.get(k);
                for (int k = 0; k < outputs; k++) v[row.length() + k] = value(outs.get(k), r);
                result.add(RowFactory.create(v));
            }
            return result.iterator();
        }
    }

    /** Row {@code r} of {@code a} as a Spark SQL value: a boxed number, or a list of them for rank 2. */
    private static Object value(NDArray a, int r) {
        if (a.rank() == 1) return box(a, r);
        var list = new ArrayList<Object>(a.dim(1));
        for (int k = 0; k < a.dim(1); k++) list.add(box(a, r, k));
        return list;
    }

    private static Object box(NDArray a, int... idx) {
        return switch (a.dtype()) {
            case F64 -> a.getDouble(idx);
            case F32 -> (float) a.getDouble(idx);
            case I64 -> a.getLong(idx);
            case I32 -> (int) a.getLong(idx);
            case I16, U8 -> (short) a.getLong(idx);
            case I8 -> (byte) a.getLong(idx);
            case BOOL -> a.getBoolean(idx);
        };
    }
}
