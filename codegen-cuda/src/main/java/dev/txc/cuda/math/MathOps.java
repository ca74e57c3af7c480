package dev.txc.cuda.math;

import java.util.function.Supplier;

/**
 * The operations txc's math routines are written in, each one correctly rounded IEEE operation or an exact bit
 * manipulation of the routine's float type (f64 or f32). An algorithm written once against this interface runs in two
 * ways: {@link MathMirror} evaluates it in Java ({@code Math.fma} for {@code fma.rn}, float arithmetic for f32), and
 * the PTX emitter renders the same steps as PTX instructions ({@code add.rn}, {@code mul.rn}, {@code fma.rn}, ... so
 * that ptxas cannot contract or reorder them). So the GPU gives the mirror's bits, operation by operation.
 *
 * @param <V> a value of the routine's float type
 * @param <P> a predicate
 */
interface MathOps<V, P> {
    /** True when the routine computes in f32. */
    boolean f32();

    /** A constant, rounded to the routine's type. */
    V k(double c);

    V add(V a, V b);

    V sub(V a, V b);

    V mul(V a, V b);

    V div(V a, V b);

    /** a * b + c with one rounding. */
    V fma(V a, V b, V c);

    V sqrt(V a);

    V neg(V a);

    V abs(V a);

    /** The magnitude of {@code mag} with the sign bit of {@code sign}. */
    V copysign(V mag, V sign);

    /** Round to the nearest integer, ties to even. */
    V rint(V a);

    V floor(V a);

    /** 2^k for an integer-valued k within the normal exponent range (f64: -1022..1023, f32: -126..127). */
    V pow2(V k);

    /** The unbiased binary exponent of a normal a, as an integer value (its biased exponent field minus the bias). */
    V exponent(V a);

    /** a with its exponent field set to the bias: the significand of a normal a, in [1, 2), a's sign kept. */
    V significand(V a);

    /** Ordered comparisons (false when either operand is NaN), as Java's {@code < <= > >= ==}. */
    P lt(V a, V b);

    P le(V a, V b);

    P gt(V a, V b);

    P ge(V a, V b);

    P eq(V a, V b);

    P isnan(V a);

    P and(P a, P b);

    P or(P a, P b);

    P not(P a);

    /** p ? a : b (both already computed). */
    V sel(P p, V a, V b);

    /** a with the low 32 bits of its f64 encoding cleared (fdlibm's {@code __LO(a, 0)}); f64 only. */
    V clearLow(V a);

    /** t[i] for an integer-valued i in [0, t.length) (a chain of selects in PTX). */
    V table(double[] t, V i);

    /** p ? a.get() : b.get(), computing only the side taken (a branch in PTX); both give as many values. */
    java.util.List<V> branch(P p, Supplier<java.util.List<V>> a, Supplier<java.util.List<V>> b);
}
