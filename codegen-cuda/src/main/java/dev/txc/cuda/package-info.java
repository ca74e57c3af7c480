/**
 * The CUDA backend: PTX text rendered from the lowered kernel IR ({@code dev.txc.ir.kernel}), with txc's own math
 * routines where PTX has no instruction of the needed accuracy. The runtime loads the text through the driver API.
 */
package dev.txc.cuda;
