// The Kotlin DSL: only what the Java API (dev.txc.driver.api) cannot declare itself. Java methods already serve
// Kotlin's operators (x + y, x * 2.0, -x, !b, x[i, ALL], f(a, b)); this file adds a number on the left (1.0 / x),
// infix forms (x pow 2, p gt 0.5) and a builder receiver for function { ... }.
@file:JvmName("TxDsl")

package dev.txc.dsl

import dev.txc.driver.api.Expr
import dev.txc.driver.api.FunctionScope
import dev.txc.driver.api.Tx
import dev.txc.driver.api.TxFunction

// A number on the left is a weak literal, exactly as in .tx: 1.0 / x is Tx.constant(1.0).div(x).
operator fun Double.plus(x: Expr): Expr = Tx.constant(this).plus(x)
operator fun Double.minus(x: Expr): Expr = Tx.constant(this).minus(x)
operator fun Double.times(x: Expr): Expr = Tx.constant(this).times(x)
operator fun Double.div(x: Expr): Expr = Tx.constant(this).div(x)
operator fun Double.rem(x: Expr): Expr = Tx.constant(this).rem(x)
operator fun Int.plus(x: Expr): Expr = Tx.constant(this).plus(x)
operator fun Int.minus(x: Expr): Expr = Tx.constant(this).minus(x)
operator fun Int.times(x: Expr): Expr = Tx.constant(this).times(x)
operator fun Int.div(x: Expr): Expr = Tx.constant(this).div(x)
operator fun Int.rem(x: Expr): Expr = Tx.constant(this).rem(x)

// x ** y
infix fun Expr.pow(y: Expr): Expr = Tx.pow(this, y)
infix fun Expr.pow(y: Double): Expr = Tx.pow(this, y)
infix fun Expr.pow(y: Int): Expr = Tx.pow(this, y)
infix fun Double.pow(y: Expr): Expr = Tx.pow(this, y)
infix fun Int.pow(y: Expr): Expr = Tx.pow(this, y)

// Comparisons give bool tensors (Kotlin's < and == must give Int and Boolean), and the products.
infix fun Expr.gt(y: Any): Expr = this.gt(y)
infix fun Expr.ge(y: Any): Expr = this.ge(y)
infix fun Expr.lt(y: Any): Expr = this.lt(y)
infix fun Expr.le(y: Any): Expr = this.le(y)
infix fun Expr.eq(y: Any): Expr = this.eq(y)
infix fun Expr.ne(y: Any): Expr = this.ne(y)
infix fun Expr.dot(y: Any): Expr = this.dot(y)
infix fun Expr.matmul(y: Any): Expr = this.matmul(y)

/**
 * A compiled function of [inputs]; the body runs with a [FunctionScope] receiver (update, given, defaultValue, name,
 * outputNames, optLevel) and returns the outputs: an Expr, a list of them, or nothing.
 * `val f = function(x) { grad(s, x) }`, `val inc = function(n) { update(state, state + n); state }`.
 */
fun function(vararg inputs: Expr, body: FunctionScope.() -> Any?): TxFunction =
    Tx.function(inputs.toList()) { scope -> scope.body().takeUnless { it == Unit } }

/**
 * `scan` over the leading axis of [xs] with one carry: the new carry of each step, stacked.
 * `val hs = scan(xs, carry = h0) { xT, h -> tanh((W matmul h) + (U matmul xT)) }`; [reverse] walks from the end;
 * [checkpoint] K makes reverse mode store every K-th carry and recompute the others.
 */
fun scan(xs: Expr, carry: Any, reverse: Boolean = false, checkpoint: Int = 1, step: (Expr, Expr) -> Any): Expr =
    Tx.scan(listOf(xs), listOf(carry), reverse, checkpoint) { e, c -> step(e[0], c[0]) }[0]

/** `scan` over the leading axis of [xs] without carries: the value of each step, stacked (a map). */
fun scan(xs: Expr, reverse: Boolean = false, step: (Expr) -> Any): Expr =
    Tx.scan(listOf(xs), listOf<Any>(), reverse) { e, _ -> step(e[0]) }[0]
