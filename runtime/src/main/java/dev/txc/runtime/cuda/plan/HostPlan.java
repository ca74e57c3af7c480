package dev.txc.runtime.cuda.plan;

import java.io.Serializable;
import java.util.List;

/**
 * How the host runs one function compiled for CUDA: the PTX module (loaded once) and the steps of one call, in order.
 * It is plain data (records, {@link Serializable}), so that a standalone jar can carry it next to the PTX text.
 *
 * <p>Values are numbered: 0 .. params-1 are the arguments, then come the shared variables in declaration order
 * ({@code shared} of them), then the values the steps define. Every value is a strided view of device memory:
 * dtype, shape, element strides and an element offset into an array (arguments, shared variables and allocations
 * are C-contiguous at offset 0). After the last step the host reads the module's {@code txc_error} word (a .u32
 * global): nonzero is an error the kernels found (1: "integers to negative integer powers are not allowed"); it
 * clears the word and throws. Outputs and updates are C-contiguous (the plan copies views first) and may be
 * arguments, shared variables or each other.
 *
 * @param function the IR function's name
 * @param module   the PTX text
 * @param params   number of arguments
 * @param shared   number of shared variables
 * @param dtypes   the dtype spelling of every value, by number (null for a shared variable the function does not use)
 * @param steps    what one call does
 * @param outputs  the values returned, in order
 * @param updates  the new values of updated shared variables
 */
public record HostPlan(String function, String module, int params, int shared, List<String> dtypes, List<Step> steps,
        List<Integer> outputs, List<Update> updates) implements Serializable {
    public HostPlan {
        // null where nothing defines the value: a shared variable that the function does not use
        dtypes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(dtypes));
        steps = List.copyOf(steps);
        outputs = List.copyOf(outputs);
        updates = List.copyOf(updates);
    }

    /** Shared variable number {@code shared} (in declaration order) becomes {@code value} after the call. */
    public record Update(int shared, int value) implements Serializable {}

    /** One thing a call does. */
    public sealed interface Step extends Serializable {}

    /**
     * Defines {@code value}: a constant of the given shape, uploaded once; {@code bits} holds each element in C order
     * as a long: a float's raw IEEE bits (f32 in the low 32), an integer's value, a bool's 0 or 1.
     */
    public record Upload(int value, List<Integer> shape, long[] bits) implements Step {
        public Upload {
            shape = List.copyOf(shape);
        }
    }

    /** A run-time check: when {@code ok} evaluates to 0 the call fails with {@code message} (as the JVM backend's). */
    public record Check(Expr ok, String message) implements Step {}

    /** Defines {@code value}: the i64 vector of {@code of}'s dims (the host keeps a copy to evaluate {@link Element}). */
    public record Shape(int value, int of) implements Step {}

    /**
     * Defines {@code value}: {@code base} (C-contiguous) with the dims held by i64 vector {@code shape}, as NDArray's
     * reshape (the element counts must agree; an error names both shapes otherwise).
     */
    public record Reshape(int value, int base, int shape) implements Step {}

    /**
     * Defines {@code value}: NumPy's basic slice {@code base[starts:stops:steps]} per dim, a view, with the arguments
     * and errors of NDArray.sliceNumpy (Integer.MIN_VALUE is an absent bound or step).
     */
    public record Slice(int value, int base, List<Integer> starts, List<Integer> stops, List<Integer> steps) implements Step {
        public Slice {
            starts = List.copyOf(starts);
            stops = List.copyOf(stops);
            steps = List.copyOf(steps);
        }
    }

    /** Defines {@code value}: fresh C-contiguous device memory of the given shape (its dtype is {@code dtypes[value]}). */
    public record Alloc(int value, List<Expr> shape) implements Step {
        public Alloc {
            shape = List.copyOf(shape);
        }
    }

    /**
     * Defines {@code value} as a view of {@code base}'s memory, without a kernel: shape, strides and offset in
     * elements, relative to the array under {@code base} (so a view of a view composes).
     */
    public record View(int value, int base, List<Expr> shape, List<Expr> strides, Expr offset) implements Step {
        public View {
            shape = List.copyOf(shape);
            strides = List.copyOf(strides);
        }
    }

    /**
     * Launches {@code entry} of the module with {@code grid} blocks (x, y, z) of {@code block} threads and
     * {@code sharedBytes} of dynamic shared memory, passing one argument per entry parameter. Kernels grid-stride,
     * so the host may clamp grid.x to the device's limit; an entry whose grid has a zero is not launched. A launch
     * writes only into memory of values defined by earlier Alloc steps (possibly through views of them).
     */
    public record Launch(String entry, List<Expr> grid, int block, int sharedBytes, List<Arg> args) implements Step {
        public Launch {
            grid = List.copyOf(grid);
            args = List.copyOf(args);
        }
    }

    /**
     * Defines {@code value}: {@code base[start:stop:step]} along {@code axis} (all other dims whole), a view, with
     * run-time bounds: Python's slice.indices clamping as NDArray.sliceNumpy does it; a bound of Long.MIN_VALUE or
     * Long.MAX_VALUE is absent (it clamps to an end).
     */
    public record DynSlice(int value, int base, int axis, Expr start, Expr stop, long step) implements Step {}

    /**
     * Defines {@code value}: fresh C-contiguous memory for {@code arange(start, stop, step)}, the three being scalar
     * values of the result's dtype read back to the host: its length {@code max(0, ceil((stop - start) / step))}
     * (in f64 for floats, exactly for integers) and the JVM runtime's errors (a zero step, a length that is NaN or
     * above 2^31 - 1). A launch fills it.
     */
    public record Arange(int value, int start, int stop, int step) implements Step {}

    /**
     * A scan: a host loop running {@code body} once per step, its state on the device. The number of steps is the
     * common length of dim 0 of the {@code seqs} (an error "scan: sequences have different lengths (a and b)"
     * otherwise). Before each step t the loop binds {@code params}: the first {@code seqs.size()} to row t of each
     * sequence (a view), the others to the carries (at first the {@code inits}, then the previous step's
     * {@code results} of the carries). After the body, each result that is stacked is copied (its memory is
     * C-contiguous) into row t of its stack, allocated at the first row written with dtype {@code dtypes[outs[k]]};
     * a row of another shape is the JVM's error "scan: step t gives shape (..) but step 0 gave (..)". A carry
     * {@code k < ncarry} is stacked after steps K, 2K, ... ({@code every} = K, floor(steps / K) rows) unless it is in
     * {@code last}, where {@code outs[k]} is its final value instead (the init for zero steps). Per-step outputs are
     * stacked every step. With no row written, a stack's shape is [0, empty[k]...] ({@code empty[k]} null: the
     * inner shape is unknown, an error "scan with zero steps cannot tell the shape of its output"). Memory the body
     * allocated that no carry holds is released after each step.
     */
    public record Scan(List<Integer> seqs, List<Integer> inits, List<Integer> params, List<Step> body, List<Integer> results,
            List<Integer> outs, int every, List<Integer> last, List<List<Expr>> empty) implements Step {
        public Scan {
            seqs = List.copyOf(seqs);
            inits = List.copyOf(inits);
            params = List.copyOf(params);
            body = List.copyOf(body);
            results = List.copyOf(results);
            outs = List.copyOf(outs);
            last = List.copyOf(last);
            // null entries: inner shapes that are unknown when there are no steps
            empty = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(empty.stream().map(l -> l == null ? null : List.copyOf(l)).toList()));
        }
    }

    /** An entry argument. */
    public sealed interface Arg extends Serializable {}

    /** The device address of {@code value}'s element at offset 0 of its view (array address + offset * item size). */
    public record Ptr(int value) implements Arg {}

    /** A .u64, .s64 or .u32 parameter (by the entry's declared type) holding an integer. */
    public record Int(Expr value) implements Arg {}

    /** A .f64 parameter. */
    public record F64(double value) implements Arg {}

    /** Integer expressions over the run-time shapes of values. */
    public sealed interface Expr extends Serializable {}

    public record Lit(long value) implements Expr {}

    /** The size of dim {@code axis} of {@code value}. */
    public record DimOf(int value, int axis) implements Expr {}

    /** The number of elements of {@code value}. */
    public record SizeOf(int value) implements Expr {}

    /** The element stride of dim {@code axis} of {@code value}'s view, as it is (no broadcasting). */
    public record StrideOf(int value, int axis) implements Expr {}

    /** The element offset of {@code value}'s view. */
    public record OffsetOf(int value) implements Expr {}

    /**
     * The stride of {@code value} along dim {@code axis} of an index space of rank {@code rank} into which it is
     * broadcast (aligned at the right): 0 where the value lacks the dim or has size 1 there, else its stride.
     */
    public record BroadcastStride(int value, int axis, int rank) implements Expr {}

    /**
     * The broadcast of sizes: the one size that is not 1 (1 if all are); sizes that differ and are not 1 are a
     * run-time error "shapes do not broadcast", naming {@code what}.
     */
    public record Broadcast(List<Expr> sizes, String what) implements Expr {
        public Broadcast {
            sizes = List.copyOf(sizes);
        }
    }

    /** Element {@code index} of the i64 vector {@code value} (a shape operand; the host may copy it back to read it). */
    public record Element(int value, int index) implements Expr {}

    /** The product of the terms (1 for none). */
    public record Mul(List<Expr> terms) implements Expr {
        public Mul {
            terms = List.copyOf(terms);
        }
    }

    /** ceil(a / b) for b > 0. */
    public record CeilDiv(Expr a, Expr b) implements Expr {}

    public record Min(Expr a, Expr b) implements Expr {}

    /** a + b. */
    public record Add(Expr a, Expr b) implements Expr {}

    /** 1 when a equals b, else 0. */
    public record Eq(Expr a, Expr b) implements Expr {}

    /** {@code cond != 0 ? a : b}. */
    public record Select(Expr cond, Expr a, Expr b) implements Expr {}

    public record Max(Expr a, Expr b) implements Expr {}

    /**
     * 1 when every one of {@code values} is C-contiguous with exactly the shape {@code dims} (so an element index is
     * its offset), else 0.
     */
    public record Contiguous(List<Integer> values, List<Expr> dims) implements Expr {
        public Contiguous {
            values = List.copyOf(values);
            dims = List.copyOf(dims);
        }
    }
}
