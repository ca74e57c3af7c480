package dev.txc.tests.api

import dev.txc.driver.api.Tx.*
import dev.txc.dsl.*

fun kotlinExample() {
    val x = dmatrix("x")
    val s = sum(1.0 / (1.0 + exp(-x)))
    val f = function(x) { grad(s, x) }
    println(f(listOf(listOf(0, 1), listOf(-1, -2))))

    // Gradient descent on shared state: w moves halfway to v at each call
    val w = shared(doubleArrayOf(0.0, 0.0), "w")
    val v = dvector("v")
    val loss = sum((w - v) pow 2)
    val step = function(v) {
        update(w, w - 0.25 * grad(loss, w))
        loss
    }
    repeat(3) { println(step(doubleArrayOf(4.0, -8.0))) }
    println(w.get())
}
