package dev.txc.cuda;

import java.util.List;
import java.util.Set;

/**
 * One kernel of a PTX module: the text of its {@code .visible .entry}, the names of the {@code .func} routines it
 * calls (a module carries each routine once, ahead of its entries), its parameters in order and how the host sizes
 * its launch. PTX is rendered once per function from the IR's types, never per call shape: sizes that are unknown
 * at compile time reach the kernel as {@code .u64} parameters, so a module can be embedded in a jar.
 *
 * @param name     the entry's name, unique in its module
 * @param text     the {@code .visible .entry name(...) { ... }} text
 * @param routines names of the {@code .func} routines the entry calls (see dev.txc.cuda.math)
 * @param params   the entry's parameters, in order; the host passes one value per parameter
 * @param launch   how many blocks and threads the host launches
 */
public record PtxEntry(String name, String text, Set<String> routines, List<Param> params, Launch launch) {
    public PtxEntry {
        routines = Set.copyOf(routines);
        params = List.copyOf(params);
    }

    /** A parameter: a device pointer, a size or index, or a scalar value. */
    public record Param(String name, Kind kind) {}

    /** Parameter kinds; a pointer is a {@code .u64} holding a global address. */
    public enum Kind {
        PTR, U64, S64, U32, F32, F64;

        public String ptx() {
            return switch (this) {
                case PTR, U64 -> ".u64";
                case S64 -> ".s64";
                case U32 -> ".u32";
                case F32 -> ".f32";
                case F64 -> ".f64";
            };
        }
    }

    /**
     * The launch geometry, as a function of the values the host passes for the named {@code U64} parameters. Kernels
     * loop (grid-stride) over whatever the grid does not cover, so any grid size gives the same result; the host
     * clamps grids to the device's limits.
     */
    public sealed interface Launch {
        /** Threads cover the {@code count} items one each: grid.x = ceil(count / block). */
        record Flat(String count, int block) implements Launch {}

        /** One block per row: grid.x = rows. */
        record Rows(String rows, int block, int sharedBytes) implements Launch {}

        /** 2-D tiles of an m×n result per batch: grid = (ceil(n / tileN), ceil(m / tileM), batch). */
        record Tiles(String m, String n, String batch, int tileM, int tileN, int block, int sharedBytes)
                implements Launch {}
    }
}
