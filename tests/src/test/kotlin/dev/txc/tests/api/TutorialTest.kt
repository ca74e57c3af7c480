package dev.txc.tests.api

import dev.txc.driver.api.Tx.*
import dev.txc.dsl.*
import dev.txc.runtime.NDArray
import dev.txc.types.DType
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The Theano tutorial examples (LANGUAGE.md section 10) through the embedding API and the Kotlin DSL. */
class TutorialTest {
    private fun assertValues(expected: List<Double>, shape: IntArray, actual: NDArray, tol: Double = 1e-8) {
        assertArrayEquals(shape, actual.shape(), "shape")
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), tol)
    }

    @Test
    fun gradientOfSquare() {
        val x = dscalar("x")
        val y = x pow 2
        val gy = grad(y, x)
        val f = function(x) { gy }
        assertEquals(8.0, f(4.0).toDouble())
        assertEquals(188.4, f(94.2).toDouble(), 1e-12)
        // pp(f.maker.fgraph.outputs[0]) in the tutorial
        assertEquals("(2.0 * x)", f.pp(0))
        // The unoptimized derivative graph, like Theano's pp(gy): d/dx x**2 = 1 * 2 * x**(2-1)
        assertEquals("((1.0 * 2.0) * (x ** (2.0 - 1.0)))", pp(gy))
    }

    @Test
    fun logisticDerivative() {
        val x = dmatrix("x")
        val s = sum(1.0 / (1.0 + exp(-x)))
        val dlogistic = function(x) { grad(s, x) }
        val out = dlogistic(listOf(listOf(0, 1), listOf(-1, -2))).value()
        assertValues(listOf(0.25, 0.19661193, 0.19661193, 0.10499359), intArrayOf(2, 2), out)
        assertEquals("f = (exp(-abs(x)) / ((1.0 + exp(-abs(x))) * (1.0 + exp(-abs(x)))))\n", dlogistic.pp())
    }

    @Test
    fun jacobianOfSquares() {
        val x = dvector("x")
        val f = function(x) { jacobian(x pow 2, x) }
        assertValues(listOf(8.0, 0.0, 0.0, 8.0), intArrayOf(2, 2), f(doubleArrayOf(4.0, 4.0)).value())
    }

    @Test
    fun hessianOfSumOfSquares() {
        val x = dvector("x")
        val f = function(x) { hessian(sum(x pow 2), x) }
        assertValues(listOf(2.0, 0.0, 0.0, 2.0), intArrayOf(2, 2), f(doubleArrayOf(4.0, 4.0)).value())
    }

    @Test
    fun rOperator() {
        val W = dmatrix("W")
        val V = dmatrix("V")
        val x = dvector("x")
        val y = dot(x, W)
        val f = function(W, V, x) { rop(y, W, V) }
        val out = f(listOf(listOf(1, 1), listOf(1, 1)), listOf(listOf(2, 2), listOf(2, 2)), listOf(0, 1)).value()
        assertValues(listOf(2.0, 2.0), intArrayOf(2), out)
    }

    @Test
    fun lOperator() {
        val W = dmatrix("W")
        val v = dvector("v")
        val x = dvector("x")
        val y = x dot W
        val f = function(W, v, x) { lop(y, W, v) }
        val out = f(listOf(listOf(1, 1), listOf(1, 1)), listOf(2, 2), listOf(0, 1)).value()
        assertValues(listOf(0.0, 0.0, 2.0, 2.0), intArrayOf(2, 2), out)
    }

    @Test
    fun hessianTimesVector() {
        val x = dvector("x")
        val v = dvector("v")
        val gy = grad(sum(x pow 2), x)
        val viaRop = function(x, v) { rop(gy, x, v) }
        val viaGrad = function(x, v) { grad(sum(gy * v), x) }
        for (f in listOf(viaRop, viaGrad)) assertValues(listOf(4.0, 4.0), intArrayOf(2), f(listOf(4, 4), listOf(2, 2)).value())
    }

    @Test
    fun linearMixWithDefault() {
        val A = dmatrix("A")
        val x = dvector("x")
        val b = dvector("b")
        val linearMix = function(A, x, b) {
            defaultValue(b, doubleArrayOf(0.0, 0.0))
            listOf(dot(A, x) + b, sum(A pow 2))
        }
        val a = listOf(listOf(1, 2, 3), listOf(4, 5, 6))
        val (y, z) = linearMix(a, listOf(1, 2, 3), listOf(4, 5))
        assertValues(listOf(18.0, 37.0), intArrayOf(2), y)
        assertEquals(91.0, z.getDouble())
        val (y0, z0) = linearMix(a, listOf(1, 2, 3))
        assertValues(listOf(14.0, 32.0), intArrayOf(2), y0)
        assertEquals(91.0, z0.getDouble())
    }

    @Test
    fun symbolicScalarAndEval() {
        val foo = scalar("foo")
        val bar = foo pow 2
        assertEquals(9.0, function(foo) { bar }(3).toDouble())
        assertEquals(9.0, bar.eval(mapOf(foo to 3)).getDouble())
        assertEquals(20.0, grad(bar, foo).eval(mapOf(foo to 10)).getDouble())
        assertEquals("(foo ** 2.0)", bar.toString())
    }

    @Test
    fun jacobianOfAffineMapIsTheMatrix() {
        val A = matrix("A")
        val x = vector("x")
        val b = vector("b")
        val y = dot(A, x) + b
        val J = jacobian(y, x).eval(mapOf(A to listOf(listOf(9.0, 8, 7), listOf(4, 5, 6)), x to listOf(1, 2, 3), b to listOf(4, 5)))
        assertValues(listOf(9.0, 8.0, 7.0, 4.0, 5.0, 6.0), intArrayOf(2, 3), J)
    }

    @Test
    fun accumulatorUpdatesAfterTheOutputs() {
        val state = shared(0, "state")
        val inc = iscalar("inc")
        val accumulator = function(inc) {
            update(state, state + inc)
            state
        }
        assertEquals(DType.I64, state.dtype())
        assertEquals(0L, state.get().getLong())
        assertEquals(0L, accumulator(1).value().getLong()) // returns the old value
        assertEquals(1L, state.get().getLong())
        assertEquals(1L, accumulator(300).value().getLong())
        assertEquals(301L, state.get().getLong())
        state.set(-1)
        assertEquals(-1L, accumulator(3).value().getLong())
        assertEquals(2L, state.get().getLong())

        val decrementor = function(inc) {
            update(state, state - inc)
            state
        }
        assertEquals(2L, decrementor(2).value().getLong())
        assertEquals(0L, state.get().getLong())

        // givens: compute with foo in place of state, leaving state alone
        val fnOfState = state * 2 + inc
        val foo = scalar("foo", state.dtype())
        val skipShared = function(inc, foo) {
            given(state, foo)
            fnOfState
        }
        assertEquals(7L, skipShared(1, 3).value().getLong())
        assertEquals(0L, state.get().getLong())
    }

    @Test
    fun sharedMatrixReadAndUpdated() {
        val sharedVar = shared(listOf(listOf(1.0, 2.0), listOf(3.0, 4.0)), "shared_var")
        val square = function { sharedVar pow 2 }
        assertValues(listOf(1.0, 4.0, 9.0, 16.0), intArrayOf(2, 2), square().value())
        sharedVar.set(listOf(listOf(3.0, 4), listOf(2, 1)))
        assertValues(listOf(9.0, 16.0, 4.0, 1.0), intArrayOf(2, 2), square().value())
        sharedVar.set(listOf(listOf(1.0, 2), listOf(3, 4)))
        val subtract = matrix("subtract")
        val fUpdate = function(subtract) {
            update(sharedVar, sharedVar - subtract)
            sharedVar
        }
        assertValues(listOf(1.0, 2.0, 3.0, 4.0), intArrayOf(2, 2), fUpdate(listOf(listOf(1.0, 1), listOf(1, 1))).value())
        assertValues(listOf(0.0, 1.0, 2.0, 3.0), intArrayOf(2, 2), sharedVar.get())
    }

    @Test
    fun updatesOnlyFunction() {
        val w = shared(1.0, "w")
        val x = scalar("x")
        val mul = function(x) { update(w, w * x) }
        assertEquals(0, mul(4).size)
        assertEquals(4.0, w.get().getDouble())
    }
}
