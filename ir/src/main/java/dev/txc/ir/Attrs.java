package dev.txc.ir;

import dev.txc.types.DType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Immutable op attributes, sorted by name. Values are Long, Double, Boolean, String, DType,
 * List&lt;Long&gt;, Tensor or Region; equality is structural so nodes intern on them.
 */
public final class Attrs {
    public static final Attrs EMPTY = new Attrs(new TreeMap<>());

    private final Map<String, Object> map;
    private final int hash;

    private Attrs(TreeMap<String, Object> map) {
        this.map = Collections.unmodifiableMap(map);
        this.hash = map.hashCode();
    }

    /** Attributes from alternating names and values. */
    public static Attrs of(Object... kv) {
        var m = new TreeMap<String, Object>();
        for (int k = 0; k < kv.length; k += 2) m.put((String) kv[k], check(kv[k + 1]));
        return m.isEmpty() ? EMPTY : new Attrs(m);
    }

    public static Attrs of(Map<String, Object> kv) {
        var m = new TreeMap<String, Object>();
        kv.forEach((k, v) -> m.put(k, check(v)));
        return m.isEmpty() ? EMPTY : new Attrs(m);
    }

    private static Object check(Object v) {
        return switch (v) {
            case Integer i -> (long) i;
            case Long l -> l;
            case Double d -> d;
            case Boolean b -> b;
            case String s -> s;
            case DType d -> d;
            case Tensor t -> t;
            case Region r -> r;
            case List<?> l -> {
                for (Object o : l) if (!(o instanceof Long)) throw new IllegalArgumentException("list attr element " + o);
                yield List.copyOf(l);
            }
            case null -> throw new IllegalArgumentException("null attr");
            default -> throw new IllegalArgumentException("attr type " + v.getClass());
        };
    }

    public Attrs with(String name, Object value) {
        var m = new TreeMap<>(map);
        m.put(name, check(value));
        return new Attrs(m);
    }

    public Map<String, Object> asMap() {
        return map;
    }

    public boolean has(String name) {
        return map.containsKey(name);
    }

    private Object get(String name) {
        Object v = map.get(name);
        if (v == null) throw new IllegalStateException("missing attribute " + name);
        return v;
    }

    public long lng(String name) {
        return (Long) get(name);
    }

    public int integer(String name) {
        return Math.toIntExact(lng(name));
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public String str(String name) {
        return (String) get(name);
    }

    public DType dtype(String name) {
        return (DType) get(name);
    }

    public Tensor tensor(String name) {
        return (Tensor) get(name);
    }

    public Region region(String name) {
        return (Region) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Long> longs(String name) {
        return (List<Long>) get(name);
    }

    public int[] ints(String name) {
        return longs(name).stream().mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attrs a && a.hash == hash && a.map.equals(map);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Objects.toString(map);
    }
}
