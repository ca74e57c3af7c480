package dev.txc.runtime;

import java.util.Locale;

/**
 * Where a function runs: the JVM on the CPU (the default everywhere), or a CUDA GPU through the NVIDIA driver. A
 * choice of CUDA on a machine without a driver or GPU is an error naming what is missing, never a silent fallback.
 */
public enum Device {
    CPU, CUDA;

    /** The spelling on command lines: {@code cpu}, {@code cuda}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The device spelled {@code s} ({@code cpu} or {@code cuda}), or null. */
    public static Device parse(String s) {
        for (Device d : values()) if (d.spelling().equals(s)) return d;
        return null;
    }
}
