package dev.txc.tests.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled data of examples/logistic.tx is exactly what {@link LogisticData} generates. */
class LogisticDataTest {
    static final boolean BLESS = Boolean.getBoolean("tx.bless");

    @Test
    void bundledDataIsTheGeneratorsOutput(@TempDir Path tmp) throws IOException {
        Path data = Repo.examples().resolve("data");
        if (BLESS) LogisticData.write(data);
        LogisticData.write(tmp);
        for (String f : new String[] {"x.npy", "y.npy"})
            assertArrayEquals(Files.readAllBytes(tmp.resolve(f)), Files.readAllBytes(data.resolve(f)),
                    "examples/data/" + f + " differs from LogisticData's output (regenerate with -Dtest=LogisticDataTest -Dtx.bless=true)");
        long total = Files.size(data.resolve("x.npy")) + Files.size(data.resolve("y.npy"));
        assertTrue(total < 100_000, "bundled data is " + total + " bytes");
    }

    @Test
    void dataIsUsable() {
        NDArray x = Npy.read(Repo.examples().resolve("data/x.npy"));
        NDArray y = Npy.read(Repo.examples().resolve("data/y.npy"));
        assertArrayEquals(new int[] {LogisticData.N, LogisticData.F}, x.shape());
        assertArrayEquals(new int[] {LogisticData.N}, y.shape());
        int ones = 0;
        for (double v : y.toDoubleArray()) {
            assertTrue(v == 0.0 || v == 1.0);
            if (v == 1.0) ones++;
        }
        // both classes well represented, so the tutorial has something to learn
        assertTrue(ones > 100 && ones < 300, "ones: " + ones);
    }
}
