package dev.txc.tests.api

import dev.txc.driver.api.Tx.*
import dev.txc.dsl.*
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.math.tanh

/** `scan` in the Kotlin DSL: an RNN against a plain Kotlin loop, a reverse cumulative sum and a map, by hand. */
class ScanDslTest {
    @Test
    fun rnnByScan() {
        val W = dmatrix("W")
        val U = dmatrix("U")
        val xs = dmatrix("xs")
        val h0 = dvector("h0")
        val hs = scan(xs, carry = h0) { xT, h -> tanh((W matmul h) + (U matmul xT)) }
        val f = function(W, U, xs, h0) { hs }
        val w = listOf(listOf(0.5, -0.25), listOf(0.125, 0.75))
        val u = listOf(listOf(1.0), listOf(2.0))
        val x = listOf(listOf(1.0), listOf(0.0), listOf(-1.0))
        var h = listOf(0.0, 0.1)
        val expected = mutableListOf<Double>()
        for (t in x.indices) {
            h = List(2) { i -> tanh(w[i][0] * h[0] + w[i][1] * h[1] + u[i][0] * x[t][0]) }
            expected.addAll(h)
        }
        val out = f(w, u, x, listOf(0.0, 0.1)).value()
        assertArrayEquals(intArrayOf(3, 2), out.shape())
        assertArrayEquals(expected.toDoubleArray(), out.toDoubleArray(), 1e-12)
    }

    @Test
    fun reverseAndMap() {
        val xs = dvector("xs")
        val f = function(xs) { scan(xs, carry = 0, reverse = true) { x, s -> s + x } }
        assertArrayEquals(doubleArrayOf(10.0, 9.0, 7.0, 4.0), f(listOf(1.0, 2.0, 3.0, 4.0)).value().toDoubleArray(), 0.0)
        val g = function(xs) { scan(xs) { x -> x * x } }
        assertArrayEquals(doubleArrayOf(1.0, 4.0, 9.0), g(listOf(1.0, 2.0, 3.0)).value().toDoubleArray(), 0.0)
    }

    @Test
    fun checkpointedGradientEqualsThePlainOne() {
        // d/dx0 of sum of the running products p_t = p_{t-1} * x_t, p_0 = 1: by hand, sum over t of prod_{1<=s<=t, s!=1} x_s.
        val xs = dvector("xs")
        val plain = function(xs) { grad(sum(scan(xs, carry = 1.0) { x, p -> p * x }), xs) }
        val ckpt = function(xs) { grad(sum(scan(xs, carry = 1.0, checkpoint = 2) { x, p -> p * x }), xs) }
        val x = listOf(2.0, 3.0, 0.5, -1.0, 4.0)
        val expected = plain(x).value().toDoubleArray()
        // d/dx_1 (x_1 + x_1 x_2 + x_1 x_2 x_3 + ...) = 1 + 3 + 1.5 - 1.5 - 6
        assertArrayEquals(doubleArrayOf(-2.0), doubleArrayOf(expected[0]), 0.0)
        assertArrayEquals(expected, ckpt(x).value().toDoubleArray(), 0.0)
        assertTrue(ckpt.ir("opt").contains("every=2"), ckpt.ir("opt"))
    }
}
