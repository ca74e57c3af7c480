/**
 * Running on a CUDA GPU through the NVIDIA driver API, bound with the Foreign Function & Memory API: no JNI library of
 * txc's own, no nvcc or NVRTC (the driver JIT-compiles the PTX text that {@code codegen-cuda} renders).
 *
 * <ul>
 *   <li>{@link dev.txc.runtime.cuda.CudaApi}: the driver calls, one method each; {@link dev.txc.runtime.cuda.LibCuda}
 *       implements it over {@code libcuda.so.1}. Tests substitute a simulated driver by naming its class in the
 *       system property {@code txc.cuda.api} ({@link dev.txc.runtime.cuda.Cuda#API_PROPERTY}), e.g.
 *       {@code -Dtxc.cuda.api=dev.txc.cuda.sim.SimCudaApi}, or pass an instance to
 *       {@link dev.txc.runtime.cuda.CudaDevice#open}.</li>
 *   <li>{@link dev.txc.runtime.cuda.CudaDevice}: a GPU's primary context, limits and loaded modules;
 *       {@link dev.txc.runtime.cuda.DeviceArray}: device memory, reached by explicit copies.</li>
 *   <li>{@link dev.txc.runtime.cuda.CudaProgram}: a model's functions as {@link dev.txc.runtime.cuda.DeviceFunction}s,
 *       shared variables resident on the device across calls.</li>
 * </ul>
 */
package dev.txc.runtime.cuda;
