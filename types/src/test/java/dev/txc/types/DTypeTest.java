package dev.txc.types;

import static dev.txc.types.DType.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DTypeTest {
    @Test
    void spellingsRoundTrip() {
        for (DType t : values()) {
            assertSame(t, fromSpelling(t.spelling()));
        }
        assertEquals("bool", BOOL.spelling());
        assertEquals("u8", U8.spelling());
        var e = assertThrows(UnknownDTypeException.class, () -> fromSpelling("f16"));
        assertEquals("unknown dtype 'f16' (expected one of bool, i8, i16, i32, i64, u8, f32, f64)", e.getMessage());
        assertNull(parse("f16"));
    }

    @Test
    void sizesKindsAndDescriptors() {
        assertEquals(8, F64.itemSize());
        assertEquals(1, BOOL.itemSize());
        assertEquals(2, I16.itemSize());
        assertEquals("<f8", F64.npyDescr());
        assertEquals("<f4", F32.npyDescr());
        assertEquals("|b1", BOOL.npyDescr());
        assertEquals("|u1", U8.npyDescr());
        assertEquals("|i1", I8.npyDescr());
        assertEquals("<i8", I64.npyDescr());
        assertTrue(F32.isFloat());
        assertFalse(I64.isFloat());
        assertTrue(U8.isInteger());
        assertFalse(BOOL.isInteger());
        assertFalse(F64.isInteger());
        for (DType t : values()) assertEquals(t == BOOL ? 1 : 8 * t.itemSize(), t.bits(), t::toString);
    }

    @Test
    void safeCastingFollowsNumpy() {
        // the full 'safe' table from np.can_cast(a, b, 'safe') restricted to our dtypes
        assertCasts(BOOL, EnumSet.allOf(DType.class));
        assertCasts(I8, EnumSet.of(I8, I16, I32, I64, F32, F64));
        assertCasts(U8, EnumSet.of(U8, I16, I32, I64, F32, F64));
        assertCasts(I16, EnumSet.of(I16, I32, I64, F32, F64));
        assertCasts(I32, EnumSet.of(I32, I64, F64));
        assertCasts(I64, EnumSet.of(I64, F64));
        assertCasts(F32, EnumSet.of(F32, F64));
        assertCasts(F64, EnumSet.of(F64));
    }

    private static void assertCasts(DType from, Set<DType> safe) {
        for (DType to : values()) {
            assertEquals(safe.contains(to), from.canCastSafely(to), from + " -> " + to);
        }
    }
}
