package dev.txc.spark;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Consecutive rows of the data: for each row variable of the model (a shared variable whose first dimension is
 * {@code ?}), an array with these rows along axis 0. Serialized as {@code .npy} bytes; kept decoded in memory where
 * Spark caches it.
 */
public final class RowBlock implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private transient Map<String, NDArray> arrays;
    private transient int rows;

    /** A block of {@code arrays}, which must all have the same length along axis 0. */
    public RowBlock(Map<String, NDArray> arrays) {
        this.arrays = Map.copyOf(arrays);
        this.rows = -1;
        for (var e : this.arrays.entrySet()) {
            NDArray a = e.getValue();
            if (a.rank() == 0) throw new IllegalArgumentException("row data '" + e.getKey() + "' is a scalar; it needs one entry per row");
            if (rows >= 0 && a.dim(0) != rows)
                throw new IllegalArgumentException("row data '" + e.getKey() + "' has " + a.dim(0) + " rows, others " + rows);
            rows = a.dim(0);
        }
        if (rows < 0) throw new IllegalArgumentException("a block of no arrays");
    }

    public int rows() {
        return rows;
    }

    public Map<String, NDArray> arrays() {
        return arrays;
    }

    /** Rows {@code [from, to)} of each array of {@code all}. */
    public static RowBlock slice(Map<String, NDArray> all, int from, int to) {
        var m = new LinkedHashMap<String, NDArray>();
        all.forEach((name, a) -> m.put(name, a.slice(0, from, to, 1).contiguous()));
        return new RowBlock(m);
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.writeInt(arrays.size());
        for (var e : arrays.entrySet()) {
            out.writeUTF(e.getKey());
            byte[] b = Npy.writeBytes(e.getValue());
            out.writeInt(b.length);
            out.write(b);
        }
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException {
        int n = in.readInt();
        var m = new LinkedHashMap<String, NDArray>();
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            m.put(name, Npy.readBytes(b, name));
        }
        RowBlock r = new RowBlock(m);
        arrays = r.arrays;
        rows = r.rows;
    }
}
