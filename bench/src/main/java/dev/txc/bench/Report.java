package dev.txc.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the dlogistic JMH benchmarks (taking JMH's own command-line options) and prints a markdown table: per
 * benchmark the median time per call over every measured iteration of every fork with its spread, the bytes per
 * element the pipeline moves, and ratios to the peer figures of {@code shared/bench-peers/README.md}.
 * {@code Report --traffic} prints only the bytes-per-element breakdown, without timing anything.
 */
public final class Report {
    private Report() {}

    /** The peer figures (ms per call, dlogistic 4000x4000 f64) measured on this kind of machine by bench-peers. */
    record Peer(String name, double ms) {}

    static final List<Peer> README_PEERS = List.of(
            new Peer("memory floor", 9.8), new Peer("C fast-math", 13.9), new Peer("Vector API", 20.1),
            new Peer("C 1 thread", 27.4), new Peer("plain Java", 65), new Peer("torch", 123), new Peer("NumPy", 170));

    /** Peer figures measured on this machine ({@code -Dreport.peers=name:ms,...}, from run.sh), else the README's. */
    static final String MEASURED = System.getProperty("report.peers", "");
    static final List<Peer> PEERS = MEASURED.isBlank() ? README_PEERS : java.util.Arrays.stream(MEASURED.split(","))
            .map(s -> new Peer(s.substring(0, s.lastIndexOf(':')), Double.parseDouble(s.substring(s.lastIndexOf(':') + 1)))).toList();

    static final long N = (long) Workload.ROWS * Workload.COLS;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--traffic")) {
            System.out.print(trafficTable());
            return;
        }
        var opts = new CommandLineOptions(args.length == 0 ? new String[] {"DLogisticBench"} : args);
        Collection<RunResult> results = new Runner(opts).run();
        boolean txc = results.stream().anyMatch(r -> r.getParams().getBenchmark().endsWith("DLogisticBench.txc"));
        String table = machine() + "\n" + timeTable(results) + (txc ? "\n" + trafficTable() : "");
        System.out.println();
        System.out.print(table);
        String out = System.getProperty("report.out");
        if (out != null) Files.writeString(Path.of(out), table);
    }

    /** Bytes moved per element by each opt-level's lowered dlogistic, with the per-node breakdown. */
    static String trafficTable() {
        var sb = new StringBuilder("| pipeline | data-moving passes | bytes/element (IR count) | x minimum (16 B) |\n|---|---:|---:|---:|\n");
        var detail = new StringBuilder();
        for (int level = 0; level <= 2; level++) {
            var c = Traffic.count(Workload.compile(level).lowered(), List.of(new int[] {40, 50}));
            sb.append(String.format("| txc --opt-level %d | %d | %.1f | %.1f |%n", level, c.passes(), c.bytesPerElement(), c.bytesPerElement() / 16));
            detail.append("opt-level ").append(level).append(":\n").append(Traffic.describe(c));
        }
        sb.append("| theoretical minimum (read x, write g) | 1 | 16.0 | 1.0 |\n");
        return sb + "\n```\n" + detail + "```\n";
    }

    static String timeTable(Collection<RunResult> results) {
        var sb = new StringBuilder();
        boolean gc = results.stream().anyMatch(r -> alloc(r) != null);
        sb.append("| benchmark | median ms | min-max ms | iters | GB/s at 16 B/elem |");
        for (Peer p : PEERS) sb.append(" / ").append(p.name()).append(" ").append(fmt(p.ms())).append(" |");
        sb.append(gc ? " alloc MB/call |" : "").append("\n|---|---:|---:|---:|---:|");
        sb.append("---:|".repeat(PEERS.size() + (gc ? 1 : 0))).append("\n");
        for (RunResult r : results) {
            var scores = new ArrayList<Double>();
            for (var br : r.getBenchmarkResults())
                for (IterationResult it : br.getIterationResults()) scores.add(it.getPrimaryResult().getScore());
            scores.sort(null);
            double med = median(scores);
            var bp = r.getParams();
            String name = bp.getBenchmark().replaceAll(".*\\.(\\w+\\.\\w+)$", "$1");
            var ps = new ArrayList<String>();
            for (Object k : bp.getParamsKeys()) ps.add(k + "=" + bp.getParam((String) k));
            if (!ps.isEmpty()) name += " (" + String.join(", ", ps) + ")";
            sb.append(String.format("| %s | %.1f | %.1f-%.1f | %d | %.1f |", name, med, scores.getFirst(), scores.getLast(),
                    scores.size(), 16.0 * N / (med * 1e-3) / 1e9));
            for (Peer p : PEERS) sb.append(String.format(" %.2f |", med / p.ms()));
            Result alloc = alloc(r);
            if (gc) sb.append(alloc == null ? " |" : String.format(" %.3f |", alloc.getScore() / 1e6));
            sb.append('\n');
        }
        sb.append(MEASURED.isBlank()
                ? "\nRatios: median over the peer figure from shared/bench-peers/README.md (measured there, on the same kind of machine, "
                        + "not in this run); above 1 is slower than the peer.\n"
                : "\nRatios: median over the peer's median measured on this machine by run.sh just before (f64, all threads "
                        + "unless named otherwise); above 1 is slower than the peer.\n");
        return sb.toString();
    }

    /** Bytes allocated per operation, when the run used {@code -prof gc}. */
    static Result alloc(RunResult r) {
        for (var e : r.getSecondaryResults().entrySet()) if (e.getKey().endsWith("gc.alloc.rate.norm")) return e.getValue();
        return null;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String fmt(double ms) {
        return ms == Math.rint(ms) ? String.valueOf((long) ms) : String.valueOf(ms);
    }

    static String machine() {
        String cpu = "?";
        long memKb = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            for (String l : Files.readAllLines(Path.of("/proc/meminfo")))
                if (l.startsWith("MemTotal:")) memKb = Long.parseLong(l.replaceAll("\\D", ""));
        } catch (Exception e) {
            // not Linux: leave the fields unknown
        }
        return String.format("Machine: %d CPUs (%s), %.1f GiB RAM, JDK %s (%s), %s%n", Runtime.getRuntime().availableProcessors(),
                cpu, memKb / 1048576.0, System.getProperty("java.version"), System.getProperty("java.vm.name"), LocalDate.now());
    }
}
