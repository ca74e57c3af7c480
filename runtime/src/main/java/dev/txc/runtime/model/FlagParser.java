package dev.txc.runtime.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits command-line words into flag values and positional arguments, the one parser of {@code txc} and of
 * standalone jars: {@code --name VALUE}, {@code --name=VALUE}, one-letter {@code -x VALUE} or {@code -x=VALUE} for
 * the short names given, switches, and {@code --} to end the flags. Every flag is checked against its declaration
 * (value present, allowed choice, given once unless repeatable); errors are {@link CliUsageException}s.
 */
public final class FlagParser {
    private FlagParser() {}

    /** Values by flag name ({@code ""} for a switch), in order; and the positional words. */
    public record Parsed(Map<String, List<String>> values, List<String> positional) {}

    /**
     * @param lookup the declaration of a flag name, or null when unknown (it may throw to reject a known name)
     * @param shortNames one-letter spellings and the flag names they stand for, e.g. {@code h -> help}
     */
    public static Parsed parse(List<String> args, Function<String, ? extends FlagSpec> lookup, Map<String, String> shortNames) {
        var values = new LinkedHashMap<String, List<String>>();
        var positional = new ArrayList<String>();
        boolean flagsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (flagsDone || !a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                flagsDone = true;
                continue;
            }
            String name, inline = null;
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                if (eq >= 0) inline = a.substring(eq + 1);
                if (name.length() < 2) throw new CliUsageException("unknown flag '" + a + "'");
            } else {
                name = shortNames.get(a.substring(1, 2));
                if (name == null || (a.length() > 2 && a.charAt(2) != '=')) throw new CliUsageException("unknown flag '" + a + "'");
                if (a.length() > 2) inline = a.substring(3);
            }
            FlagSpec f = lookup.apply(name);
            if (f == null) throw new CliUsageException("unknown flag '" + (a.startsWith("--") ? "--" + name : a) + "'");
            String value;
            if (f.metavar() == null) {
                if (inline != null) throw new CliUsageException(f.spelling() + " takes no value");
                value = "";
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new CliUsageException(f.spelling() + " needs a value: " + f.usage());
            }
            if (!f.choices().isEmpty() && !f.choices().contains(value))
                throw new CliUsageException(f.spelling() + " must be " + oneOf(f.choices()) + ", got '" + value + "'");
            List<String> list = values.computeIfAbsent(f.name(), k -> new ArrayList<>());
            if (!f.repeatable() && !list.isEmpty()) throw new CliUsageException(f.spelling() + " is given more than once");
            list.add(value);
        }
        return new Parsed(values, positional);
    }

    /** "a or b", "one of a, b, c". */
    public static String oneOf(List<String> choices) {
        if (choices.size() <= 2) return String.join(" or ", choices);
        return "one of " + String.join(", ", choices);
    }
}
