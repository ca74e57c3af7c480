package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The matmul kernels (plain loops and, when present, the Vector API) against a triple loop written here, over raw
 * strided operands: every GEMV form, GEMM with packing edges (sizes around the tile, block and panel sizes), and
 * transposed, strided, reversed and broadcast (stride 0) layouts, f64 and f32, on one core and on several.
 */
class MatKernelsTest {
    /** An operand: element (i, j) of a rows x cols matrix is data[off + i*rs + j*cs]. */
    record Operand(String layout, Object data, int off, int rs, int cs) {
        double get(int i, int j) {
            int p = off + i * rs + j * cs;
            return data instanceof double[] d ? d[p] : ((float[]) data)[p];
        }
    }

    static List<MatKernels> kernels() {
        List<MatKernels> ks = new ArrayList<>(List.of(new ScalarMatKernels()));
        if (VectorSupport.available()) ks.add(MatKernels.INSTANCE);
        return ks;
    }

    @Test
    void theVectorKernelsRunWhenTheModuleIsPresent() {
        assertEquals(VectorSupport.available(), MatKernels.INSTANCE.getClass().getSimpleName().equals("VectorMatKernels"));
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty() || VectorSupport.available()
                || "false".equals(System.getProperty("txc.vector")));
    }

    /** Run by {@link #aJvmWithoutTheModuleRunsThePlainKernels} in a JVM without jdk.incubator.vector. */
    public static void main(String[] args) {
        Random r = new Random(9);
        for (int[] s : new int[][] {{37, 1, 19}, {1, 37, 19}, {33, 15, 64}}) {
            for (boolean f32 : new boolean[] {false, true}) {
                for (Operand a : layouts(r, f32, s[0], s[2])) {
                    for (Operand b : layouts(r, f32, s[2], s[1])) check(MatKernels.INSTANCE, a, b, s[0], s[1], s[2], true);
                }
            }
        }
        NDArray x = NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        System.out.println(MatKernels.INSTANCE.getClass().getSimpleName() + " " + Kernels.matmul(x, x.transpose()));
    }

    @Test
    void aJvmWithoutTheModuleRunsThePlainKernels() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), MatKernelsTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "timed out: " + out);
        assertEquals(0, p.exitValue(), out);
        assertEquals("ScalarMatKernels [[14.0, 32.0], [32.0, 77.0]]", out.strip());
    }

    // the layouts of a rows x cols operand: row-major, column-major (a transpose), every other element of a wider
    // array with an offset, rows reversed, and a row (or a column) broadcast with stride 0
    static List<Operand> layouts(Random r, boolean f32, int rows, int cols) {
        List<Operand> out = new ArrayList<>();
        out.add(new Operand("row-major", fill(r, f32, rows * cols), 0, cols, 1));
        out.add(new Operand("column-major", fill(r, f32, rows * cols), 0, 1, rows));
        out.add(new Operand("strided", fill(r, f32, 3 + rows * cols * 2), 3, 2 * cols, 2));
        out.add(new Operand("reversed rows", fill(r, f32, rows * cols), (rows - 1) * cols, -cols, 1));
        out.add(new Operand("broadcast row", fill(r, f32, cols), 0, 0, 1));
        out.add(new Operand("broadcast column", fill(r, f32, rows), 0, 1, 0));
        return out;
    }

    static Object fill(Random r, boolean f32, int n) {
        if (f32) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = (float) (r.nextGaussian() * 3);
            return f;
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextGaussian() * 3;
        return d;
    }

    // the product by the textbook triple loop, and the sum of |terms| of each element (the scale of its rounding)
    static double[][] reference(Operand a, Operand b, int m, int n, int k) {
        double[] c = new double[m * n], abs = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, sa = 0;
                for (int t = 0; t < k; t++) {
                    double p = a.get(i, t) * b.get(t, j);
                    s += p;
                    sa += Math.abs(p);
                }
                c[i * n + j] = s;
                abs[i * n + j] = sa;
            }
        }
        return new double[][] {c, abs};
    }

    static void check(MatKernels kx, Operand a, Operand b, int m, int n, int k, boolean parallel) {
        double[][] ref = reference(a, b, m, n, k);
        int co = 5;
        double[] c = new double[co + m * n + 3];
        java.util.Arrays.fill(c, 0, co, 99);
        java.util.Arrays.fill(c, co + m * n, c.length, 99);
        Matmul.product(kx, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, c, co, m, n, k, parallel);
        String what = kx.getClass().getSimpleName() + " " + m + "x" + k + " @ " + k + "x" + n + ", " + a.layout + " @ "
                + b.layout + (a.data instanceof float[] ? " f32" : " f64") + (parallel ? " parallel" : "");
        for (int i = 0; i < co; i++) assertEquals(99, c[i], what + ": wrote before the output");
        for (int i = co + m * n; i < c.length; i++) assertEquals(99, c[i], what + ": wrote past the output");
        for (int e = 0; e < m * n; e++) {
            // double accumulation in any order: within a few ulps of the sum of |terms| per term; f32 GEMM sums blocks of
            // up to KCF terms in f32 (at most one f32 rounding per term of the block, in relative terms)
            double perTerm = a.data instanceof float[] && kx instanceof VectorMatKernels ? 6e-8 * Math.min(k, VectorMatKernels.KCF) : 1e-14 * k;
            double tol = (perTerm + 4e-14) * ref[1][e] + 1e-300;
            assertEquals(ref[0][e], c[co + e], tol, what + ": element " + e / n + "," + e % n);
        }
        if (a.data instanceof float[]) {
            // an f32 result: the same sums, rounded once (GEMM rounds its last block's sums straight into the floats)
            float[] cf = new float[co + m * n + 3];
            java.util.Arrays.fill(cf, 99);
            Matmul.productInto(kx, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, cf, co, m, n, k, parallel);
            for (int i = 0; i < co; i++) assertEquals(99, cf[i], what + " into floats: wrote before the output");
            for (int i = co + m * n; i < cf.length; i++) assertEquals(99, cf[i], what + " into floats: wrote past the output");
            for (int e = 0; e < m * n; e++) assertEquals((float) c[co + e], cf[co + e], what + " into floats: element " + e);
        }
    }

    static void checkAllLayouts(int m, int n, int k, boolean parallel) {
        Random r = new Random(31L * m + 17L * n + k);
        for (MatKernels kx : kernels()) {
            for (boolean f32 : new boolean[] {false, true}) {
                for (Operand a : layouts(r, f32, m, k)) {
                    for (Operand b : layouts(r, f32, k, n)) check(kx, a, b, m, n, k, parallel);
                }
            }
        }
    }

    @Test
    void matrixTimesVectorInEveryForm() {
        // n == 1: dot products of rows (row-major A), sums of scaled columns (column-major A), or GEMM (strided A)
        // 2 and 3 rows (x.T @ g with 2 or 3 features): rows shorter than a vector, 4 rows of A per step and a tail;
        // 130, 203 and 64 rows: eight runs of 16, 25 and 8 rows dotted side by side, and tails of 2, 3 and 0 rows
        for (int[] s : new int[][] {{1, 1, 1}, {1, 1, 7}, {7, 1, 1}, {5, 1, 3}, {37, 1, 19}, {4, 1, 8}, {16, 1, 17},
                {130, 1, 101}, {9, 1, 300}, {2, 1, 1}, {2, 1, 9}, {3, 1, 4}, {3, 1, 13}, {203, 1, 35}, {64, 1, 100}}) {
            checkAllLayouts(s[0], s[1], s[2], false);
        }
    }

    @Test
    void vectorTimesMatrixInEveryForm() {
        for (int[] s : new int[][] {{1, 7, 1}, {1, 5, 3}, {1, 37, 19}, {1, 16, 17}, {1, 101, 130}, {1, 300, 9}}) {
            checkAllLayouts(s[0], s[1], s[2], false);
        }
    }

    @Test
    void matricesAroundTileAndBlockEdges() {
        // tiles are MR x 2 vectors (f64: 8 x 16 with AVX-512, 5 x 8 with AVX2; f32: 8 x 2 float vectors), blocks KC =
        // 512 deep (k = 515 makes two, 1030 three; f32: 1024, so k = 1030 makes two blocks and k = 2100 three) and about MC = 128 rows (125 for 5-row
        // tiles); f32 tiles reach C through buffers of 256 columns
        for (int[] s : new int[][] {{2, 2, 2}, {3, 5, 7}, {4, 16, 8}, {5, 17, 9}, {8, 32, 1}, {7, 16, 3}, {9, 15, 5},
                {13, 33, 29}, {33, 15, 64}, {17, 31, 255}, {130, 19, 3}, {6, 9, 257}, {129, 40, 260}, {126, 24, 260},
                {251, 17, 9}, {131, 32, 300}, {132, 25, 70}, {21, 290, 40}, {9, 20, 1030}, {7, 18, 2100}, {129, 40, 515}, {131, 33, 1030}}) {
            checkAllLayouts(s[0], s[1], s[2], false);
        }
    }

    @Test
    void largeProductsSplitAcrossCores() {
        // above the thresholds for several cores: GEMV split by rows and by the summed dimension, GEMM by row blocks
        Random r = new Random(5);
        for (MatKernels kx : kernels()) {
            for (boolean f32 : new boolean[] {false, true}) {
                int big = 3001, f = 101;
                List<Operand> tall = layouts(r, f32, big, f), wide = layouts(r, f32, f, big);
                for (int l : new int[] {0, 1, 2}) {
                    Operand v = layouts(r, f32, f, 1).get(l), u = layouts(r, f32, 1, big).get(l);
                    check(kx, tall.get(l), v, big, 1, f, true);            // x @ w
                    check(kx, wide.get(l), layouts(r, f32, big, 1).get(l), f, 1, big, true); // x.T @ g
                    check(kx, u, tall.get(l), 1, f, big, true);            // g @ x
                }
                // x.T @ g with 3 features over 100,000 samples: each core sums its share of the samples into its own partial
                check(kx, layouts(r, f32, 3, 100_000).get(1), layouts(r, f32, 100_000, 1).get(0), 3, 1, 100_000, true);
                check(kx, layouts(r, f32, 300, 270).get(0), layouts(r, f32, 270, 263).get(1), 300, 263, 270, true);
                check(kx, layouts(r, f32, 70, 300).get(1), layouts(r, f32, 300, 2100).get(0), 70, 2100, 300, true);
            }
        }
    }

    @Test
    void aMatrixTimesAFewColumns() {
        // n <= 4 with rows of A contiguous: bands of rows dotted with each column (Matmul.columns); other layouts of A
        // take the GEMM kernel; bands of 128 KB hold 16384 / k rows, so k = 3000 makes bands of 8 rows with a short last one
        for (int[] s : new int[][] {{8, 2, 1}, {9, 2, 7}, {33, 3, 64}, {130, 4, 129}, {37, 2, 3000}}) {
            checkAllLayouts(s[0], s[1], s[2], false);
        }
        checkAllLayouts(701, 2, 300, true);
    }

    @Test
    void parallelGemmSharesPackedBlocksOfBAcrossRowBlocksAndColumnGroups() {
        // split across cores: few rows (the B block's columns split into groups), n past NC = 2048 (two column blocks
        // of B), k past KC = 512 (several packed blocks, C accumulated over them), rows not a multiple of MR or of the
        // row blocks, columns not a multiple of NR; a long k with a small C (summed in per-core parts); row-major,
        // column-major (a transposed A is packed by whole columns of its panels) and strided operands
        Random r = new Random(13);
        for (MatKernels kx : kernels()) {
            for (boolean f32 : new boolean[] {false, true}) {
                for (int[] s : new int[][] {{9, 700, 300}, {37, 2100, 520}, {513, 131, 300}, {130, 257, 513}, {2, 3000, 100},
                        {61, 64, 1000}, {64, 32, 1797}, {5, 3, 4000}, {32, 10, 1797}, {1797, 29, 64}}) {
                    for (int l = 0; l < 3; l++) {
                        Operand a = layouts(r, f32, s[0], s[2]).get(l), b = layouts(r, f32, s[2], s[1]).get((l + 1) % 3);
                        check(kx, a, b, s[0], s[1], s[2], true);
                    }
                }
            }
        }
    }

    /**
     * Random shapes (up to 700 x 1400 x 600, at most 2 * 10^7 multiply-adds), layouts, dtypes and core counts against
     * the textbook loop, f32 results rounded from the double path's bits; {@code -Dtxc.gemm.seed} and
     * {@code -Dtxc.gemm.count} run other and more products (7,900 ran clean when the f32 row buffers came in).
     */
    @Test
    void randomProductsMatchTheTextbookLoop() {
        Random r = new Random(Long.getLong("txc.gemm.seed", 77));
        for (int c = 0, count = Integer.getInteger("txc.gemm.count", 60); c < count; c++) {
            int m = 1 + r.nextInt(r.nextBoolean() ? 40 : 700), n = 1 + r.nextInt(r.nextBoolean() ? 40 : 600);
            int k = 1 + r.nextInt(r.nextBoolean() ? 60 : 1400);
            if ((long) m * n * k > 20_000_000L) {
                c--;
                continue;
            }
            boolean f32 = r.nextBoolean();
            List<Operand> as = layouts(r, f32, m, k), bs = layouts(r, f32, k, n);
            check(MatKernels.forWork(m, n, k), as.get(r.nextInt(as.size())), bs.get(r.nextInt(bs.size())), m, n, k, r.nextBoolean());
        }
    }

    @Test
    void oneCoreAndSeveralAgreeOnMediumSizes() {
        for (int[] s : new int[][] {{64, 64, 64}, {97, 83, 301}}) checkAllLayouts(s[0], s[1], s[2], true);
    }
}
