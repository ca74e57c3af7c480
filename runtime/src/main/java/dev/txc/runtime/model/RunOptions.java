package dev.txc.runtime.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one {@code run} of a function asks for: {@code txc run} and {@code java -jar model.jar} declare these flags
 * from {@link #FLAGS} and build the options with {@link #of}, so both accept and check them identically.
 */
public record RunOptions(String fn, Map<String, String> args, boolean json, int repeat, int printEvery,
                         Path loadState, Path saveState, boolean allowDowncast) {
    public RunOptions {
        args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args)); // command-line order: errors name the first
    }

    /** A command-line flag: {@code metavar} is null for a switch; {@code choices} empty when any value goes. */
    public record Flag(String name, String metavar, String help, boolean repeatable, List<String> choices) implements FlagSpec {
        public Flag {
            choices = List.copyOf(choices);
        }
    }

    public static final Flag ARG = new Flag("arg", "NAME=VALUE",
            "an argument (repeatable): a literal such as 4 or [[0, 1], [-1, -2]], @file.npy, or randn:3x4, zeros:3x4, ones:3x4", true, List.of());
    public static final Flag FORMAT = new Flag("format", "text|json",
            "output format (default text): one 'name = value' line per output, or one JSON object", false, List.of("text", "json"));
    public static final Flag REPEAT = new Flag("repeat", "N",
            "call the function N times carrying state (a training loop); print the last call's outputs", false, List.of());
    public static final Flag PRINT_EVERY = new Flag("print-every", "K", "with --repeat, also print the outputs every K calls", false, List.of());
    public static final Flag LOAD_STATE = new Flag("load-state", "DIR", "read every shared variable from DIR/NAME.npy before the first call", false, List.of());
    public static final Flag SAVE_STATE = new Flag("save-state", "DIR", "write every shared variable to DIR/NAME.npy after the last call (atomically)", false, List.of());
    public static final Flag ALLOW_DOWNCAST = new Flag("allow-downcast", null,
            "allow lossy dtype conversion of @file.npy arguments (f64 to f32, float to int)", false, List.of());

    /** The flags of a run, in help order. */
    public static final List<Flag> FLAGS = List.of(ARG, FORMAT, REPEAT, PRINT_EVERY, LOAD_STATE, SAVE_STATE, ALLOW_DOWNCAST);

    /**
     * The options for calling {@code fn} given each flag's values ({@code values} returns the values of a flag by
     * name in command-line order, empty when absent). Malformed values are {@link CliUsageException}s; an argument
     * given twice is a user error.
     */
    public static RunOptions of(String fn, Function<String, List<String>> values) {
        Map<String, String> args = ArgValues.split(values.apply(ARG.name()));
        String format = last(values, FORMAT);
        String load = last(values, LOAD_STATE), save = last(values, SAVE_STATE);
        return new RunOptions(fn, args, "json".equals(format), integer(values, REPEAT, 1), integer(values, PRINT_EVERY, 0),
                load == null ? null : Path.of(load), save == null ? null : Path.of(save), !values.apply(ALLOW_DOWNCAST.name()).isEmpty());
    }

    private static String last(Function<String, List<String>> values, Flag f) {
        List<String> v = values.apply(f.name());
        return v.isEmpty() ? null : v.getLast();
    }

    /** A flag holding an integer >= 1; absent gives {@code dflt}. */
    private static int integer(Function<String, List<String>> values, Flag f, int dflt) {
        String v = last(values, f);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliUsageException(f.spelling() + " expects an integer >= 1, got '" + v + "'");
    }
}
