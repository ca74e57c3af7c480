/**
 * The host plan of a function compiled for CUDA ({@link dev.txc.runtime.cuda.plan.HostPlan}): plain records that
 * codegen-cuda writes and the CUDA runtime executes, so that a standalone jar can carry them with the PTX.
 */
package dev.txc.runtime.cuda.plan;
