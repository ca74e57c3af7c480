package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.model.Program;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages that say what is true: I/O failures in words, CUDA, ptx, bench; and the -O alias. */
class MessagesTest {
    @TempDir
    Path dir;

    private String write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    private static Cli fails(int status, String... args) {
        Cli r = Cli.run(args);
        assertEquals(status, r.status(), r::toString);
        assertFalse(r.err().contains("\tat dev.txc"), r::toString);
        return r;
    }

    private static Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.status(), r::toString);
        return r;
    }

    @Test
    void cudaWithoutTheDriverNamesItAndTheCpuWay() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(CudaCliTest.driverPresent(), "libcuda.so.1 is present here");
        String f = write("t.tx", "fn g(x: f64) = x\n");
        String noDriver = "error: --device cuda needs the NVIDIA CUDA driver, but libcuda.so.1 cannot be loaded (the dynamic loader does not find it); "
                + "install the NVIDIA driver on a machine with a GPU, or run on the CPU with --device cpu (Device.CPU in the Java API)\n";
        Cli r = fails(1, "run", f, "--fn", "g", "--arg", "x=1", "--device", "cuda");
        assertEquals(noDriver, r.err());
        assertEquals("", r.out());
        r = fails(1, "bench", f, "--fn", "g", "--arg", "x=1", "--device", "cuda");
        assertEquals(noDriver, r.err());
        // a broken program still gets the device error first: the device is opened before anything is compiled
        r = fails(1, "run", write("bad.tx", "fn g(x: f64) = x +\n"), "--fn", "g", "--device", "cuda");
        assertEquals(noDriver, r.err());
        r = fails(2, "run", f, "--fn", "g", "--arg", "x=1", "--device", "cuda", "--engine", "interp");
        assertEquals("txc run: --engine interp runs on the CPU; --device cuda runs the compiled code on the GPU (leave out --engine)\nsee txc run --help\n", r.err());
    }

    @Test
    void ptxPrintsTheModule() throws IOException {
        String f = write("t.tx", "fn g(x: f64) = x\n");
        Cli r = ok("ptx", f, "--fn", "g", "--cuda-arch", "sm_90");
        assertTrue(r.out().startsWith(".version 8.0\n.target sm_90\n.address_size 64\n"), r.out());
        r = fails(2, "ptx", f, "--fn", "g", "--cuda-arch", "90");
        assertTrue(r.err().contains("--cuda-arch: a CUDA architecture looks like sm_80 or sm_90, not '90'"), r.err());
        String help = ok("--help").out();
        assertTrue(help.contains("  ptx                     print the generated CUDA PTX module of a function\n"), help);
        assertFalse(help.contains("cuda fails when CUDA is not available"), help);
    }

    @Test
    void unreadableSourcesSayWhy() throws IOException {
        Cli r = fails(1, "check", dir.resolve("nofile.tx").toString());
        assertEquals("error: cannot read " + dir.resolve("nofile.tx") + ": no such file\n", r.err());
        r = fails(1, "check", dir.toString());
        assertEquals("error: cannot read " + dir + ": is a directory\n", r.err());
        Path garbage = dir.resolve("garbage.tx");
        Files.write(garbage, new byte[] {'f', 'n', ' ', 'f', '(', ')', '\n', '#', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        r = fails(1, "check", garbage.toString());
        assertEquals("error: cannot read " + garbage + ": not valid UTF-8 at byte 9 (line 2): save the file as UTF-8\n", r.err());
    }

    @Test
    void aByteOrderMarkIsSkippedAndColumnsStayRight() throws IOException {
        Path bom = dir.resolve("bom.tx");
        Files.write(bom, ("\uFEFFfn f(x: f64) = x + 1\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("f = 3.0\n", ok("run", bom.toString(), "--fn", "f", "--arg", "x=2").out());
        Files.write(bom, ("\uFEFFfn f(x: f64) = x + y\n").getBytes(StandardCharsets.UTF_8));
        Cli r = fails(1, "check", bom.toString());
        // y is the 20th character after the mark
        assertTrue(r.err().startsWith(bom + ":1:20: error: "), r::toString);
        assertTrue(r.err().contains("\nfn f(x: f64) = x + y\n                   ^"), r::toString);
    }

    @Test
    void importOfADirectoryOrAMissingFile() throws IOException {
        Files.createDirectory(dir.resolve("lib"));
        String f = write("imp.tx", "import \"lib\"\nfn f(x: f64) = x\n");
        Cli r = fails(1, "check", f);
        assertTrue(r.err().startsWith(f + ":1:1: error: cannot import \"lib\": " + dir.resolve("lib") + ": is a directory\n"), r::toString);
        f = write("imp2.tx", "import \"nolib.tx\"\nfn f(x: f64) = x\n");
        r = fails(1, "check", f);
        assertTrue(r.err().startsWith(f + ":1:1: error: cannot import \"nolib.tx\": " + dir.resolve("nolib.tx") + ": no such file\n"), r::toString);
    }

    @Test
    void stateAndArgumentFilesSayWhy() throws IOException {
        String f = write("s.tx", "shared n: i64 = 0\nfn inc() {\n  n = n + 1\n}\nfn g(x: f64[?]) = x\n");
        String afile = write("afile", "hi");
        Cli r = fails(1, "run", f, "--fn", "inc", "--save-state", afile);
        assertEquals("error: cannot save state to " + afile + ": it is a file, and --save-state needs a directory (one NAME.npy per shared variable)\n", r.err());
        r = fails(1, "run", f, "--fn", "g", "--arg", "x=@");
        assertEquals("error: --arg x: '@' needs a file name after it, such as @x.npy\n", r.err());
        r = fails(1, "run", f, "--fn", "g", "--arg", "x=@" + dir.resolve("no.npy"));
        assertEquals("error: --arg x: cannot read " + dir.resolve("no.npy") + ": no such file\n", r.err());
        r = fails(1, "run", f, "--fn", "g", "--arg", "x=@" + dir);
        assertEquals("error: --arg x: cannot read " + dir + ": is a directory\n", r.err());
        r = fails(1, "run", f, "--fn", "inc", "--load-state", dir.resolve("nostate").toString());
        assertTrue(r.err().startsWith("error: cannot load state: "), r::toString);
    }

    @Test
    void shortOptLevel() throws IOException {
        String f = write("o.tx", "fn g(x: f64) = x * 2\n");
        for (String o : new String[] {"-O0", "-O1", "-O2"}) {
            assertEquals("g = 4.0\n", ok("run", f, "--fn", "g", "--arg", "x=2", o).out());
            ok("ir", f, o);
            ok("pp", f, "--fn", "g", o);
            ok("bench", f, "--fn", "g", "--arg", "x=1", "--calls", "1", "--warmup", "0", o);
            ok("compile", f, "-o", dir.resolve("o" + o + ".jar").toString(), o);
        }
        // -O0 is the same as --opt-level 0: the optimized IR keeps the multiplication unfolded either way, so compare
        assertEquals(ok("ir", f, "--opt-level", "0").out(), ok("ir", f, "-O0").out());
        assertEquals(ok("ir", f, "--opt-level=1").out(), ok("ir", f, "-O1").out());
        Cli r = fails(2, "run", f, "--fn", "g", "--arg", "x=2", "-O3");
        assertEquals("txc run: --opt-level must be one of 0, 1, 2, got '3'\nsee txc run --help\n", r.err());
        r = fails(2, "run", f, "--fn", "g", "--arg", "x=2", "-O1", "--opt-level", "2");
        assertEquals("txc run: --opt-level is given more than once\nsee txc run --help\n", r.err());
        r = fails(2, "check", f, "-O2");
        assertEquals("txc check: unknown flag '-O2'\nsee txc check --help\n", r.err());
    }

    @Test
    void benchUsesOneUnitPerLineAndNamesTheFailingCall() throws IOException {
        String f = write("b.tx", "fn g(x: f64) = x * 2\n");
        String line = ok("bench", f, "--fn", "g", "--arg", "x=3", "--calls", "7", "--warmup", "1").out();
        var m = java.util.regex.Pattern.compile("g: 7 calls after 1 warm-up: median [0-9.]+ (ns|us|ms), min [0-9.]+ (ns|us|ms), max [0-9.]+ (ns|us|ms)\\n").matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(m.group(1), m.group(2), line);
        assertEquals(m.group(1), m.group(3), line);
        // an engine whose 5th call fails
        AtomicInteger calls = new AtomicInteger();
        Map<String, Supplier<Engine>> engines = Map.of("jvm", () -> new Engine() {
            @Override
            public Program load(dev.txc.ir.Module mod) {
                Program real = new JvmEngine().load(mod);
                return (fn, args, state) -> {
                    if (calls.incrementAndGet() == 5) throw new dev.txc.runtime.TxRuntimeException("g: boom");
                    return real.call(fn, args, state);
                };
            }

            @Override
            public dev.txc.opt.Pipeline.Stage stage() {
                return dev.txc.opt.Pipeline.Stage.LOWERED;
            }
        });
        Cli r = Cli.run(engines, "bench", f, "--fn", "g", "--arg", "x=3", "--calls", "7", "--warmup", "2");
        assertEquals(1, r.status(), r::toString);
        assertEquals("error: call 5 of 9 failed: g: boom\n", r.err());
    }

    @Test
    void shapesWhoseSizeOverflowsAreUserErrorsOnEveryEngine() throws IOException {
        String f = write("big.tx", """
                fn f(x: f64[?, ?]) = sum(x)
                fn z() = zeros([99999999999, 99999999999])
                fn z3(n: i64) = zeros([n, n])
                """);
        for (String arg : new String[] {"randn:99999999999x99999999999", "zeros:4294967296x4294967296", "ones:65536x32768"}) {
            Cli r = fails(1, "run", f, "--fn", "f", "--arg", "x=" + arg);
            assertTrue(r.err().matches("error: --arg x: array of shape \\([0-9, ]+\\) is too big \\(more than 2\\^31-1 elements\\)\n"), r::toString);
        }
        for (String[] engine : new String[][] {{"--engine", "interp"}, {"-O0"}, {"-O2"}}) {
            Cli r = fails(1, concat(new String[] {"run", f, "--fn", "z"}, engine));
            assertTrue(r.err().startsWith(f + ":2:10: error: z: array of shape (99999999999, 99999999999) is too big (more than 2^31-1 elements)\n"), r::toString);
            r = fails(1, concat(new String[] {"run", f, "--fn", "z3", "--arg", "n=4294967296"}, engine));
            assertTrue(r.err().startsWith(f + ":3:17: error: z3: array of shape (4294967296, 4294967296) is too big (more than 2^31-1 elements)\n"), r::toString);
            r = fails(1, concat(new String[] {"run", f, "--fn", "z3", "--arg", "n=-2"}, engine));
            assertTrue(r.err().startsWith(f + ":3:17: error: z3: negative dimensions are not allowed: (-2, -2)\n"), r::toString);
        }
        String g = write("big2.tx", "shared w: f64[99999999999, 99999999999] = 0.0\nfn r(x: f64) = sum(w) + x\n");
        Cli r = fails(1, "run", g, "--fn", "r", "--arg", "x=1");
        assertTrue(r.err().startsWith(g + ":1:43: error: shared variable w (f64[99999999999, 99999999999]): array of shape (99999999999, 99999999999) is too big (more than 2^31-1 elements)\n"), r::toString);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
