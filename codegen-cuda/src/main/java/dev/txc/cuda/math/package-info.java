/**
 * txc's math routines for the CUDA backend: {@link dev.txc.cuda.math.PtxMath} gives each float elementwise op that PTX
 * has no correctly rounded instruction for as a self-contained PTX {@code .func} (f64 and f32), and
 * {@link dev.txc.cuda.math.MathMirror} runs the same algorithms in Java, operation for operation, so that their
 * accuracy is measured in Java and the PTX is checked bit for bit against them.
 */
package dev.txc.cuda.math;
