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
    private final List<NDArray> values;

    Outputs(List<String> names, List<NDArray> values) {
        this.names = List.copyOf(names);
        this.values = List.copyOf(values);
    }

    @Override
    public NDArray get(int index) {
        return values.get(index);
    }

    @Override
    public int size() {
        return values.size();
    }

    /** The output named {@code name}. */
    public NDArray get(String name) {
        int k = names.indexOf(name);
        if (k < 0) throw new TxException("no output named '" + name + "' (outputs: " + String.join(", ", names) + ")");
        return values.get(k);
    }

    public List<String> names() {
        return names;
    }

    /** The only output; an error when there are several (or none). */
    public NDArray value() {
        if (values.size() != 1) throw new TxException("the function has " + values.size() + " outputs; use get(k) or get(name)");
        return values.getFirst();
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
        for (int k = 0; k < values.size(); k++) sb.append(k > 0 ? "\n" : "").append(names.get(k)).append(" = ").append(Format.text(values.get(k)));
        return sb.toString();
    }
}
