package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's class path takes txc's modules from the checkout, not from the shared local Maven repository. */
class LaunchClassPathTest {
    @TempDir
    Path dir;

    private static void jar(Path p, String classPath) throws IOException {
        Files.createDirectories(p.getParent());
        var m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(p); var j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }

    @Test
    void ownModulesComeFromTheCheckout() throws IOException {
        Path repo = dir.resolve("m2"), root = dir.resolve("checkout");
        Path inRepo = repo.resolve("dev/txc/txc-ir/1.0/txc-ir-1.0.jar"), other = repo.resolve("org/x/x/1/x-1.jar");
        Path missingHere = repo.resolve("dev/txc/txc-runtime/1.0/txc-runtime-1.0.jar");
        jar(inRepo, null);
        jar(other, null);
        jar(missingHere, null);
        Path mine = root.resolve("ir/target/txc-ir-1.0.jar"), driver = root.resolve("driver/target/txc-driver-1.0.jar");
        jar(mine, null);
        jar(driver, inRepo.toUri() + " " + other.toUri() + " " + missingHere.toUri());
        // the checkout's ir jar; the others as named (the runtime was not built here)
        assertEquals(List.of(driver, mine, other, missingHere), LaunchClassPath.of(driver));
    }

    @Test
    void theLaunchCopyOfTheDriverNamesNoClassPath() throws IOException {
        Path driver = dir.resolve("checkout/driver/target/txc-driver-1.0.jar");
        Files.createDirectories(driver.getParent());
        var m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.txc.driver.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, dir.resolve("m2/dev/txc/txc-ir/1.0/txc-ir-1.0.jar").toUri().toString());
        try (OutputStream out = Files.newOutputStream(driver); var j = new JarOutputStream(out, m)) {
            j.putNextEntry(new java.util.jar.JarEntry("dev/txc/driver/Main.class"));
            j.write(new byte[] {1, 2, 3});
            j.closeEntry();
        }
        Path copy = LaunchClassPath.withoutClassPath(driver, dir.resolve("aot"));
        assertEquals(dir.resolve("aot/txc-driver-1.0.jar").toAbsolutePath(), copy);
        try (var jf = new java.util.jar.JarFile(copy.toFile())) {
            var attrs = jf.getManifest().getMainAttributes();
            assertEquals(null, attrs.getValue(Attributes.Name.CLASS_PATH));
            assertEquals("dev.txc.driver.Main", attrs.getValue(Attributes.Name.MAIN_CLASS));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, 2, 3},
                    jf.getInputStream(jf.getEntry("dev/txc/driver/Main.class")).readAllBytes());
        }
        // made again (a later build): replaced in place
        assertEquals(copy, LaunchClassPath.withoutClassPath(driver, dir.resolve("aot")));
    }
}
