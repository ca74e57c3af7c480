package dev.txc.ir;

import dev.txc.types.DType;
import dev.txc.types.TensorType;
import dev.txc.types.Type;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An immutable IR value: an op applied to input nodes with attributes, and its static type. Nodes are
 * interned: structurally equal nodes are the same object, so identity is structural equality and CSE is
 * free. Build them with {@link #make} (type inferred by {@link TypeRules}) or {@link #leaf}.
 */
public final class Node {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Map<Key, Ref> TABLE = new HashMap<>();
    private static final ReferenceQueue<Node> QUEUE = new ReferenceQueue<>();

    private record Key(Op op, List<Node> inputs, Attrs attrs, Type type) {}

    private static final class Ref extends WeakReference<Node> {
        final Key key;

        Ref(Node n, Key key) {
            super(n, QUEUE);
            this.key = key;
        }
    }

    private final Op op;
    private final List<Node> inputs;
    private final Attrs attrs;
    private final Type type;
    private final int id;
    private final long levels;

    private Node(Op op, List<Node> inputs, Attrs attrs, Type type) {
        this.op = op;
        this.inputs = inputs;
        this.attrs = attrs;
        this.type = type;
        this.id = IDS.incrementAndGet();
        this.levels = computeLevels(op, inputs, attrs);
    }

    private static long computeLevels(Op op, List<Node> inputs, Attrs attrs) {
        if (op == Op.REGION_PARAM) return 1L << attrs.lng("level");
        long m = 0;
        for (Node in : inputs) m |= in.levels;
        for (Object v : attrs.asMap().values()) {
            if (v instanceof Region r) {
                long body = 0;
                for (Node res : r.results()) body |= res.levels;
                m |= body & ~(1L << r.level());
            }
        }
        return m;
    }

    /** The interned node for {@code op} applied to {@code inputs}, its type inferred; throws IrTypeException. */
    public static Node make(Op op, List<Node> inputs, Attrs attrs) {
        if (op.kind() == Op.Kind.LEAF) throw new IllegalArgumentException("leaf " + op + " needs an explicit type");
        List<Node> ins = List.copyOf(inputs);
        return intern(op, ins, attrs, TypeRules.infer(op, ins, attrs));
    }

    public static Node make(Op op, Node... inputs) {
        return make(op, List.of(inputs), Attrs.EMPTY);
    }

    /** The interned leaf (param, shared, const, region_param) with the given type. */
    public static Node leaf(Op op, Attrs attrs, Type type) {
        if (op.kind() != Op.Kind.LEAF) throw new IllegalArgumentException("not a leaf: " + op);
        return intern(op, List.of(), attrs, type);
    }

    private static Node intern(Op op, List<Node> inputs, Attrs attrs, Type type) {
        Key key = new Key(op, inputs, attrs, type);
        synchronized (TABLE) {
            for (Object r; (r = QUEUE.poll()) != null; ) {
                Ref ref = (Ref) r;
                TABLE.remove(ref.key, ref);
            }
            Ref ref = TABLE.get(key);
            Node n = ref == null ? null : ref.get();
            if (n == null) {
                n = new Node(op, inputs, attrs, type);
                TABLE.put(key, new Ref(n, key));
            }
            return n;
        }
    }

    /** This node's op and attributes applied to other inputs. */
    public Node withInputs(List<Node> newInputs) {
        return withInputs(newInputs, attrs);
    }

    public Node withInputs(List<Node> newInputs, Attrs newAttrs) {
        if (op.kind() == Op.Kind.LEAF) return this;
        if (newInputs.equals(inputs) && newAttrs.equals(attrs)) return this;
        return make(op, newInputs, newAttrs);
    }

    public Op op() {
        return op;
    }

    public List<Node> inputs() {
        return inputs;
    }

    public Node input(int k) {
        return inputs.get(k);
    }

    public Attrs attrs() {
        return attrs;
    }

    public Type type() {
        return type;
    }

    /** The tensor type; throws for tuple-typed nodes. */
    public TensorType tt() {
        return type.tensor();
    }

    public DType dtype() {
        return tt().dtype();
    }

    public int rank() {
        return tt().rank();
    }

    /** A process-unique number, for stable ordering and hashing; not part of the node's meaning. */
    public int id() {
        return id;
    }

    /** Bit L is set when this node depends on a parameter of a region at level L not closed below it. */
    public long levels() {
        return levels;
    }

    /** The deepest region level this node depends on, or -1 for a node of the function body. */
    public int level() {
        return 63 - Long.numberOfLeadingZeros(levels);
    }

    /** The node's region attribute, or null. */
    public Region region() {
        for (Object v : attrs.asMap().values()) if (v instanceof Region r) return r;
        return null;
    }

    public boolean isConst() {
        return op == Op.CONST;
    }

    /** The constant value, or null when this is not a constant. */
    public Tensor constValue() {
        return op == Op.CONST ? attrs.tensor("value") : null;
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "%" + id + "=" + op.spelling() + (attrs.asMap().isEmpty() ? "" : attrs.toString()) + ":" + type;
    }
}
