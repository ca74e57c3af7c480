package dev.txc.driver.api;

import dev.txc.runtime.Format;
import dev.txc.runtime.NDArray;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The outputs of one call, in order and by name: an immutable list of arrays (Kotlin destructures it:
 * {@code val (pred, err) = train(x, y)}).
 */
public final class Outputs extends AbstractList<NDArray> implements RandomAccess {
    private final List<String> names;
    /** The first {@code size} entries are the outputs; the array is this object's own (never handed out). */
    private final NDArray[] values;
    private final int size;

    /** {@code names} is immutable; the first {@code size} entries of {@code values}, which the caller hands over. */
    Outputs(List<String> names, NDArray[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    @Override
    public NDArray get(int index) {
        return values[java.util.Objects.checkIndex(index, size)];
    }

    @Override
    public int size() {
        return size;
    }

    /** The output named {@code name}. */
    public NDArray get(String name) {
        int k = names.indexOf(name);
        if (k < 0) throw new TxException("no output named '" + name + "' (outputs: " + String.join(", ", names) + ")");
        return values[k];
    }

    public List<String> names() {
        return names;
    }

    /** The only output; an error when there are several (or none). */
    public NDArray value() {
        if (size != 1) throw new TxException("the function has " + size + " outputs; use get(k) or get(name)");
        return values[0];
    }

    /** The only output as a number: it must have one element. */
    public double toDouble() {
        NDArray v = value();
        if (v.size() != 1) throw new TxException("the output has shape " + java.util.Arrays.toString(v.shape()) + ", not a single number");
        return v.getDoubleFlat(0);
    }

    /** The only output's elements in C order, as doubles. */
    public double[] toDoubleArray() {
        return value().toDoubleArray();
    }

    /** {@code name = value} lines, as {@code txc run} prints them. */
    @Override
    public String toString() {
        var sb = new StringBuilder();
        for (int k = 0; k < size; k++) sb.append(k > 0 ? "\n" : "").append(names.get(k)).append(" = ").append(Format.text(values[k]));
        return sb.toString();
    }
}
