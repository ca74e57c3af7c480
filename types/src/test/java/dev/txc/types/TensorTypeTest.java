package dev.txc.types;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTypeTest {
    @Test
    void printsAndParsesLikeTx() {
        for (String t : List.of("f64", "bool[?]", "i32[N, 3]", "u8[0, ?, K]")) assertEquals(t, TensorType.parse(t).toString());
        assertEquals(new TensorType(DType.F32, List.of(new Dim.Sym("N"), Dim.ANY, new Dim.Known(3))), TensorType.parse("f32[N,?, 3]"));
        assertEquals(TensorType.scalar(DType.I64), TensorType.parse("i64"));
        var e = assertThrows(UnknownDTypeException.class, () -> TensorType.parse("f16[3]"));
        assertTrue(e.getMessage().startsWith("unknown dtype 'f16'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorType.parse("f64[3"));
    }

    @Test
    void shapeChecksNameTheFirstMismatch() {
        TensorType t = TensorType.parse("f64[?, 2]");
        assertNull(t.shapeProblem(new int[] {7, 2}));
        assertEquals(" (axis 1 must be 2, not 3)", t.shapeProblem(new int[] {7, 3}));
        assertEquals(" (rank 2, not 1)", t.shapeProblem(new int[] {2}));
        assertTrue(t.fits(DType.F64, new int[] {1, 2}));
        assertFalse(t.fits(DType.F32, new int[] {1, 2}));
    }
}
