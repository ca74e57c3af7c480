package dev.txc.runtime.model;

import java.util.List;

/** A command-line flag's declaration: a switch when {@code metavar} is null, else a flag taking one value. */
public interface FlagSpec {
    String name();

    String metavar();

    boolean repeatable();

    /** The allowed values, or empty for any. */
    List<String> choices();

    default String spelling() {
        return name().length() == 1 ? "-" + name() : "--" + name();
    }

    default String usage() {
        return spelling() + (metavar() == null ? "" : " " + metavar());
    }
}
