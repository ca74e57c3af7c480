package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ShapesTest {
    @Test
    void broadcastAlignsOnTheRight() {
        assertArrayEquals(new int[] {2, 3}, Shapes.broadcast(new int[] {2, 3}, new int[] {3}));
        assertArrayEquals(new int[] {4, 2, 3}, Shapes.broadcast(new int[] {4, 1, 3}, new int[] {2, 1}));
        assertArrayEquals(new int[] {2, 0}, Shapes.broadcast(new int[] {2, 1}, new int[] {0}));
        assertArrayEquals(new int[] {}, Shapes.broadcast(new int[] {}, new int[] {}));
        assertArrayEquals(new int[] {5}, Shapes.broadcastAll(new int[] {}, new int[] {1}, new int[] {5}));
    }

    @Test
    void broadcastErrorsNameBothShapes() {
        var e = assertThrows(TxRuntimeException.class, () -> Shapes.broadcast(new int[] {2, 3}, new int[] {4}));
        assertEquals("operands could not be broadcast together with shapes (2,3) (4,)", e.getMessage());
        var all = assertThrows(TxRuntimeException.class,
                () -> Shapes.broadcastAll(new int[] {2}, new int[] {1}, new int[] {3}));
        assertEquals("operands could not be broadcast together with shapes (2,) (1,) (3,)", all.getMessage());
    }

    @Test
    void sizeAndOverflow() {
        assertEquals(1, Shapes.size(new int[] {}));
        assertEquals(0, Shapes.size(new int[] {3, 0}));
        assertEquals(24, Shapes.size(new int[] {2, 3, 4}));
        assertThrows(TxRuntimeException.class, () -> Shapes.size(new int[] {1 << 16, 1 << 16}));
        assertThrows(TxRuntimeException.class, () -> Shapes.size(new int[] {-1}));
    }

    @Test
    void formatsLikeNumpyTuples() {
        assertEquals("(2, 3)", Shapes.format(new int[] {2, 3}));
        assertEquals("(3,)", Shapes.format(new int[] {3}));
        assertEquals("()", Shapes.format(new int[] {}));
        assertEquals("(2,3)", Shapes.formatCompact(new int[] {2, 3}));
    }

    @Test
    void normalizesAxes() {
        assertEquals(1, Shapes.normalizeAxis(-1, 2));
        assertEquals(0, Shapes.normalizeAxis(-2, 2));
        assertEquals(1, Shapes.normalizeAxis(1, 2));
        var e = assertThrows(TxRuntimeException.class, () -> Shapes.normalizeAxis(3, 2));
        assertEquals("axis 3 is out of bounds for array of dimension 2", e.getMessage());
        assertThrows(TxRuntimeException.class, () -> Shapes.normalizeAxis(-3, 2));
        assertThrows(TxRuntimeException.class, () -> Shapes.normalizeAxis(0, 0));
    }

    @Test
    void shapesFromLongsNeverOverflow() {
        assertArrayEquals(new int[] {3, 4}, Shapes.ofLongs(new long[] {3, 4}));
        assertArrayEquals(new int[] {0, 5}, Shapes.ofLongs(new long[] {0, 5}));
        var e = assertThrows(TxRuntimeException.class, () -> Shapes.ofLongs(new long[] {99999999999L, 99999999999L}));
        assertEquals("array of shape (99999999999, 99999999999) is too big (more than 2^31-1 elements)", e.getMessage());
        // 2^32 * 2^32 wraps to 0 in long arithmetic
        e = assertThrows(TxRuntimeException.class, () -> Shapes.ofLongs(new long[] {1L << 32, 1L << 32}));
        assertEquals("array of shape (4294967296, 4294967296) is too big (more than 2^31-1 elements)", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> Shapes.ofLongs(new long[] {65536, 65536}));
        assertEquals("array of shape (65536, 65536) is too big (more than 2^31-1 elements)", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> Shapes.ofLongs(new long[] {-1}));
        assertEquals("negative dimensions are not allowed: (-1,)", e.getMessage());
    }
}
