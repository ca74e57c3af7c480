package dev.txc.types;

import java.util.List;

/** The type of a value with several parts (the results of {@code scan}); parts are read with {@code tuple_get}. */
public record TupleType(List<Type> elements) implements Type {
    public TupleType {
        elements = List.copyOf(elements);
    }

    @Override
    public String toString() {
        var sb = new StringBuilder("(");
        for (int i = 0; i < elements.size(); i++) sb.append(i > 0 ? ", " : "").append(elements.get(i));
        return sb.append(')').toString();
    }
}
