package dev.txc.driver.api;

import dev.txc.frontend.api.Operand;
import dev.txc.ir.Ir;
import dev.txc.runtime.NDArray;
import dev.txc.types.TensorType;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A shared variable, Theano's {@code shared}: state with a fixed type that compiled functions read and update. Use it in
 * expressions like any {@link Expr}; {@link #get} and {@link #set} read and replace its value. Two shared variables
 * are equal only when they are the same object; the IR refers to them by name, so one function cannot use two shared
 * variables of the same name. Thread-safe: a value is replaced atomically, and a function call holds the locks of the shared
 * variables it reads and updates (see {@link TxFunction}).
 */
public final class Shared extends Expr {
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile NDArray value;

    private Shared(String name, TensorType type, NDArray value) {
        super(Operand.of(Ir.shared(name, type)), null);
        this.value = value;
    }

    @Override
    Set<Shared> sharedSet() {
        return Set.of(this);
    }

    /** A new shared variable holding a copy of {@code value}; its type is the value's dtype and exact shape. */
    static Shared create(String name, NDArray value) {
        return new Shared(name, Values.typeOf(value), value.copy());
    }

    /** Identity: two shared variables with equal names and types are still two variables. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String name() {
        return node().attrs().str("name");
    }

    /**
     * A copy of the current value. The variable owns its buffer, which generated code may update in place (a training
     * step writes {@code w - lr * g} into w's array), so the value is never handed out itself.
     */
    public NDArray get() {
        lock.readLock().lock();
        try {
            return value.copy();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Replaces the value: an NDArray (converted safely to the variable's dtype), or a number, array or list (converted
     * to it); the shape must be the variable's shape.
     */
    public void set(Object newValue) {
        NDArray v = Values.argument(newValue, type(), "shared variable " + name(), false).copy();
        lock.writeLock().lock();
        try {
            value = v;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Stores a value computed by a function's update; the caller holds the write lock and the value has the type. */
    void store(NDArray v) {
        value = v;
    }

    /** Reads under the caller's lock. */
    NDArray load() {
        return value;
    }
}
