/**
 * PTX kernels for the ops that are neither elementwise nor views: reductions over any axes, softmax rows, matmul and
 * gemv, and data movement (strided copies, arange). Each public generator returns one {@link dev.txc.cuda.PtxEntry}
 * rendered from static information only (dtypes, ranks, which dims are reduced, layout hints); run-time sizes and
 * strides are {@code .u64}/{@code .s64} parameters, documented per generator in order. Every kernel grid-strides, so
 * any grid size gives the same result.
 */
package dev.txc.cuda.lib;
