package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxTarget;
import dev.txc.cuda.sim.PtxSim;
import dev.txc.types.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Library entries run on the PTX interpreter ({@link PtxSim}): device arrays of any dtype in and out as doubles (the
 * layout the runtime's buffers use: little-endian, one byte per bool), launches with the entry's own geometry or a
 * smaller block and a capped grid, so that grid-stride loops and the cross-warp trees both run.
 */
final class Dev {
    final PtxSim sim;

    Dev(PtxEntry... entries) {
        sim = PtxSim.load(Ptxas.module(PtxTarget.DEFAULT, List.of(entries)));
        sim.maxGrid(3);
    }

    /** A device array holding {@code v} converted to {@code t} (integers from the double's value). */
    long put(DType t, double[] v) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(1, v.length * t.itemSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            switch (t) {
                case F64 -> b.putDouble(d);
                case F32 -> b.putFloat((float) d);
                case I64 -> b.putLong((long) d);
                case I32 -> b.putInt((int) d);
                case I16 -> b.putShort((short) d);
                case I8, U8, BOOL -> b.put((byte) (long) d);
            }
        }
        long a = sim.alloc(Math.max(1, v.length * t.itemSize()));
        sim.write(a, b.array());
        return a;
    }

    /** A fresh device array of n elements (garbage: 0xFF bytes, as device memory is). */
    long alloc(DType t, int n) {
        return sim.alloc(Math.max(1, (long) n * t.itemSize()));
    }

    /** n elements read back as doubles (u8 and bool unsigned). */
    double[] get(DType t, long a, int n) {
        ByteBuffer b = ByteBuffer.wrap(sim.readBytes(a, n * t.itemSize())).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[n];
        for (int i = 0; i < n; i++)
            out[i] = switch (t) {
                case F64 -> b.getDouble();
                case F32 -> b.getFloat();
                case I64 -> b.getLong();
                case I32 -> b.getInt();
                case I16 -> b.getShort();
                case I8 -> b.get();
                case U8, BOOL -> b.get() & 0xFF;
            };
        return out;
    }

    /** Launches with the entry's geometry (grid capped). */
    void run(PtxEntry e, Object... args) {
        sim.launch(e, args);
    }

    /** Launches {@code grid} blocks of {@code block} threads (a multiple of 32). */
    void runOn(int grid, int block, PtxEntry e, Object... args) {
        sim.launch(e.name(), PtxSim.dim(grid), PtxSim.dim(block), 0, args);
    }
}
