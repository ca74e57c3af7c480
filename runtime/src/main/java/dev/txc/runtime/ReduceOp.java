package dev.txc.runtime;

/** The reductions {@link Kernels#reduce} performs; each names its NumPy counterpart. */
public enum ReduceOp {
    SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN;

    /** NumPy's name for the operation, used in error messages. */
    String numpyName() {
        return switch (this) {
            case SUM -> "add";
            case PROD -> "multiply";
            case MAX -> "maximum";
            case MIN -> "minimum";
            case MEAN -> "mean";
            case ANY -> "logical_or";
            case ALL -> "logical_and";
            case ARGMAX -> "argmax";
            case ARGMIN -> "argmin";
        };
    }
}
