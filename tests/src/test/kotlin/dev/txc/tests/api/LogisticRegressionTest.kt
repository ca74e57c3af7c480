package dev.txc.tests.api

import dev.txc.driver.api.Tx.*
import dev.txc.dsl.*
import dev.txc.types.DType
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/**
 * The tutorial's logistic regression (LANGUAGE.md section 10) trained through the Kotlin DSL, step by step against the
 * gradient derived by hand and computed here with plain loops:
 * d cost/dw = mean_i((p_i - y_i) x_i) + 0.02 w, d cost/db = mean_i(p_i - y_i), p = sigmoid(x w + b).
 */
class LogisticRegressionTest {
    // Values exact in f32, so x: f32[N, 3] holds exactly these numbers.
    private val data = arrayOf(
        doubleArrayOf(0.5, -1.25, 2.0),
        doubleArrayOf(-0.75, 0.25, 1.5),
        doubleArrayOf(1.0, 1.0, -0.5),
        doubleArrayOf(-2.0, 0.5, 0.25),
        doubleArrayOf(0.125, -0.5, -1.0),
    )
    private val labels = doubleArrayOf(1.0, 0.0, 1.0, 0.0, 1.0)
    private val w0 = doubleArrayOf(0.5, -0.25, 1.0)

    @Test
    fun trainingStepsMatchTheHandDerivedGradient() {
        val w = shared(w0, "w")
        val b = shared(0.0, "b")
        val x = tensor("x", DType.F32, "N", 3)
        val y = tensor("y", DType.F32, "N")
        val p1 = 1.0 / (1.0 + exp(-dot(x, w) - b))
        val xent = -y * log(p1) - (1.0 - y) * log(1.0 - p1)
        val cost = mean(xent) + 0.01 * sum(w pow 2)
        val (gw, gb) = grad(cost, listOf(w, b))
        val train = function(x, y) {
            update(w, w - 0.1 * gw)
            update(b, b - 0.1 * gb)
            listOf(p1 gt 0.5, xent)
        }
        val predict = function(x) { p1 gt 0.5 }
        assertEquals(DType.F64, w.dtype())
        assertEquals(listOf("out0", "out1"), train.outputNames())

        val n = data.size
        val rw = w0.copyOf()
        var rb = 0.0
        repeat(5) { step ->
            val p = DoubleArray(n) { i -> 1.0 / (1.0 + kotlin.math.exp(-(data[i].indices.sumOf { j -> data[i][j] * rw[j] } + rb))) }
            val err = DoubleArray(n) { i -> -labels[i] * kotlin.math.ln(p[i]) - (1 - labels[i]) * kotlin.math.ln(1 - p[i]) }

            val (pred, xentOut) = train(data, labels)
            assertArrayEquals(err, xentOut.toDoubleArray(), 1e-12, "xent at step $step")
            for (i in 0 until n) assertEquals(p[i] > 0.5, pred.getBoolean(i), "prediction $i at step $step")

            val gwRef = DoubleArray(3) { j -> (0 until n).sumOf { i -> (p[i] - labels[i]) * data[i][j] } / n + 0.02 * rw[j] }
            val gbRef = (0 until n).sumOf { i -> p[i] - labels[i] } / n
            for (j in 0 until 3) rw[j] -= 0.1 * gwRef[j]
            rb -= 0.1 * gbRef
            assertArrayEquals(rw, w.get().toDoubleArray(), 1e-12, "w after step ${step + 1}")
            assertEquals(rb, b.get().getDouble(), 1e-12, "b after step ${step + 1}")
        }
        // predict reads the trained state and updates nothing
        val before = w.get()
        val pred = predict(data).value()
        assertEquals(n, pred.size())
        assertEquals(before, w.get())
    }

    @Test
    fun theCostFallsOverAThousandSteps() {
        val w = shared(w0, "w")
        val b = shared(0.0, "b")
        val x = tensor("x", DType.F32, "N", 3)
        val y = tensor("y", DType.F32, "N")
        val p1 = sigmoid(dot(x, w) + b)
        val cost = mean(binaryCrossentropy(p1, y)) + 0.01 * sum(w pow 2)
        val (gw, gb) = grad(cost, listOf(w, b))
        val train = function(x, y) {
            update(w, w - 0.1 * gw)
            update(b, b - 0.1 * gb)
            cost
        }
        val first = train(data, labels).toDouble()
        var last = first
        repeat(999) { last = train(data, labels).toDouble() }
        assert(last < first * 0.8) { "cost went from $first to $last" }
    }
}
