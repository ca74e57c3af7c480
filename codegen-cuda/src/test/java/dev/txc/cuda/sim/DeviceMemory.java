package dev.txc.cuda.sim;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Simulated global memory: allocations at 64-bit addresses (256-byte aligned, with unmapped gaps between them), each
 * a little-endian byte array. New allocations hold 0xFF bytes (NaN in floats, -1 in integers), as cuMemAlloc leaves
 * garbage, so a kernel that reads what nobody wrote shows it. An access that is not inside one allocation is an error.
 */
public final class DeviceMemory {
    private final TreeMap<Long, byte[]> allocs = new TreeMap<>();
    private long nextAddr = PtxSim.GLOBAL_BASE;
    private int lastOff;
    /** The allocations found last (a kernel touches few), checked before the map; round-robin replacement. */
    private final long[] cacheBase = {-1, -1, -1, -1};
    private final byte[][] cacheData = {new byte[0], new byte[0], new byte[0], new byte[0]};
    private int cacheNext;

    /** Allocates {@code bytes} (256-byte aligned), filled with 0xFF bytes. */
    public synchronized long alloc(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        long a = nextAddr;
        byte[] data = new byte[(int) bytes];
        Arrays.fill(data, (byte) 0xFF);
        allocs.put(a, data);
        nextAddr += (Math.max(bytes, 1) + 255 + 256) & ~255L; // a gap, so running off the end faults
        return a;
    }

    /** The number of live allocations. */
    public synchronized int blocks() {
        return allocs.size();
    }

    public synchronized void free(long addr) {
        for (int i = 0; i < cacheBase.length; i++) {
            cacheBase[i] = -1;
            cacheData[i] = new byte[0];
        }
        if (allocs.remove(addr) == null) throw new PtxSimException("no allocation at 0x" + Long.toHexString(addr));
    }

    /** Whether [addr, addr+bytes) lies inside one allocation. */
    public synchronized boolean contains(long addr, long bytes) {
        var e = allocs.floorEntry(addr);
        return e != null && bytes >= 0 && addr - e.getKey() + bytes <= e.getValue().length;
    }

    public synchronized void fill(long addr, byte value, long bytes) {
        byte[] d = region(addr, (int) bytes);
        Arrays.fill(d, lastOff, lastOff + (int) bytes, value);
    }

    public synchronized void write(long addr, byte[] v) {
        byte[] d = region(addr, v.length);
        System.arraycopy(v, 0, d, lastOff, v.length);
    }

    public synchronized void write(long addr, double[] v) {
        for (int i = 0; i < v.length; i++) store(addr + 8L * i, 8, Double.doubleToRawLongBits(v[i]));
    }

    public synchronized void write(long addr, float[] v) {
        for (int i = 0; i < v.length; i++) store(addr + 4L * i, 4, Float.floatToRawIntBits(v[i]));
    }

    public synchronized void write(long addr, long[] v) {
        for (int i = 0; i < v.length; i++) store(addr + 8L * i, 8, v[i]);
    }

    public synchronized void write(long addr, int[] v) {
        for (int i = 0; i < v.length; i++) store(addr + 4L * i, 4, v[i]);
    }

    public synchronized byte[] readBytes(long addr, int n) {
        byte[] d = region(addr, n);
        return Arrays.copyOfRange(d, lastOff, lastOff + n);
    }

    public synchronized double[] readDoubles(long addr, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Double.longBitsToDouble(load(addr + 8L * i, 8));
        return out;
    }

    public synchronized float[] readFloats(long addr, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((int) load(addr + 4L * i, 4));
        return out;
    }

    public synchronized long[] readLongs(long addr, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = load(addr + 8L * i, 8);
        return out;
    }

    public synchronized int[] readInts(long addr, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = (int) load(addr + 4L * i, 4);
        return out;
    }

    /** Copies {@code n} bytes between global addresses (like cuMemcpyDtoD). */
    public synchronized void copy(long dst, long src, int n) {
        write(dst, readBytes(src, n));
    }

    /** The allocation holding [a, a+size); sets lastOff to a's offset in it. */
    private byte[] region(long a, int size) {
        for (int i = 0; i < cacheBase.length; i++) {
            long off = a - cacheBase[i];
            if (off >= 0 && off + size <= cacheData[i].length && size >= 0) {
                lastOff = (int) off;
                return cacheData[i];
            }
        }
        var e = allocs.floorEntry(a);
        if (e == null || a - e.getKey() + size > e.getValue().length || a + size < a)
            throw new PtxSimException("global address 0x" + Long.toHexString(a) + " (" + size
                    + " bytes) is outside every allocation");
        lastOff = (int) (a - e.getKey());
        cacheBase[cacheNext] = e.getKey();
        cacheData[cacheNext] = e.getValue();
        cacheNext = (cacheNext + 1) & 3;
        return e.getValue();
    }

    /** The {@code size}-byte little-endian value at {@code a}, zero-extended (kernels run one at a time: no lock). */
    long load(long a, int size) {
        byte[] d = region(a, size);
        return PtxSim.get(d, lastOff, size);
    }

    void store(long a, int size, long v) {
        byte[] d = region(a, size);
        PtxSim.put(d, lastOff, size, v);
    }
}
