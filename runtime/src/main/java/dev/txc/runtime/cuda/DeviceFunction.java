package dev.txc.runtime.cuda;

/**
 * A function compiled for a GPU: its arguments, shared variables, outputs and updates all live in device memory.
 * {@link CudaProgram} moves values between the host and the device around it.
 */
@FunctionalInterface
public interface DeviceFunction {
    /**
     * Runs the function on {@code device}. {@code args} are in parameter order and {@code shared} in declaration
     * order; neither is written. Returns the outputs followed by the new values of the updated shared variables
     * (fresh arrays, or an argument or shared array itself where a result is one of them).
     */
    DeviceArray[] call(CudaDevice device, DeviceArray[] args, DeviceArray[] shared);
}
