package dev.txc.cuda;

/** The GPU architecture a module is rendered for ({@code sm_80} unless {@code --cuda-arch} says otherwise). */
public record PtxTarget(int sm) {
    public static final PtxTarget DEFAULT = new PtxTarget(80);

    public PtxTarget {
        if (sm < 70) throw new IllegalArgumentException("txc renders PTX for sm_70 and newer, not sm_" + sm);
    }

    /** Parses {@code sm_80}, {@code sm_90}, ... */
    public static PtxTarget parse(String arch) {
        if (!arch.matches("sm_[0-9]{2,3}"))
            throw new IllegalArgumentException("a CUDA architecture looks like sm_80 or sm_90, not '" + arch + "'");
        return new PtxTarget(Integer.parseInt(arch.substring(3)));
    }

    /** The module header: PTX ISA 8.0 (CUDA 12.0 drivers and newer), this target, 64-bit addresses. */
    public String header() {
        return ".version 8.0\n.target sm_" + sm + "\n.address_size 64\n";
    }
}
