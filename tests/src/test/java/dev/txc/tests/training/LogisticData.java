package dev.txc.tests.training;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import java.nio.file.Path;
import java.util.Random;

/**
 * The generator of the data bundled with {@code examples/logistic.tx}: {@value #N} samples of {@value #F} standard
 * normal features and 0/1 labels drawn from a logistic model with known weights {@link #TRUE_W} and bias
 * {@link #TRUE_B}, so the labels are noisy (not separable). Deterministic: {@code java.util.Random} with a fixed seed
 * ({@code nextGaussian} is specified with StrictMath, so the bytes are the same on every JVM).
 *
 * <p>{@link LogisticDataTest} checks that the committed files are exactly what this writes; regenerate them with
 * {@code mvn -B -o -pl tests test -Dtest=LogisticDataTest -Dtx.bless=true}.
 */
final class LogisticData {
    static final int N = 400;
    static final int F = 5;
    static final long SEED = 20240601L;
    static final double[] TRUE_W = {1.5, -2.0, 0.5, 0.0, 1.0};
    static final double TRUE_B = 0.3;

    private LogisticData() {}

    /** Features, C order, shape (N, F). */
    static NDArray features() {
        return generate()[0];
    }

    /** Labels 0.0 or 1.0, shape (N,). */
    static NDArray labels() {
        return generate()[1];
    }

    private static NDArray[] generate() {
        Random r = new Random(SEED);
        double[] x = new double[N * F];
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            double z = TRUE_B;
            for (int j = 0; j < F; j++) {
                x[i * F + j] = r.nextGaussian();
                z += TRUE_W[j] * x[i * F + j];
            }
            double p = 1 / (1 + Math.exp(-z));
            y[i] = r.nextDouble() < p ? 1.0 : 0.0;
        }
        return new NDArray[] {NDArray.ofDoubles(x, N, F), NDArray.ofDoubles(y, N)};
    }

    /** Writes {@code dir/x.npy} and {@code dir/y.npy}. */
    static void write(Path dir) {
        NDArray[] d = generate();
        Npy.write(dir.resolve("x.npy"), d[0]);
        Npy.write(dir.resolve("y.npy"), d[1]);
    }

    public static void main(String[] args) {
        write(Path.of(args.length > 0 ? args[0] : "examples/data"));
    }
}
