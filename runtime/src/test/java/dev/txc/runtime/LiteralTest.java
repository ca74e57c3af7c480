package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

class LiteralTest {
    @Test
    void scalars() {
        assertEquals(NDArray.scalar(4.0), Literal.parse("4", DType.F64));
        assertEquals(NDArray.scalar(-2.5), Literal.parse(" -2.5 ", DType.F64));
        assertEquals(NDArray.scalar(1e-3), Literal.parse("1e-3", DType.F64));
        assertEquals(NDArray.scalar(0.5), Literal.parse(".5", DType.F64));
        assertEquals(NDArray.scalar(5.0), Literal.parse("5.", DType.F64));
        assertEquals(NDArray.scalar(1.0), Literal.parse("true", DType.F64));
        assertEquals(NDArray.scalar(true), Literal.parse("true", DType.BOOL));
        assertEquals(NDArray.scalar(false), Literal.parse("False", DType.BOOL));
        assertTrue(Double.isNaN(Literal.parse("nan", DType.F64).getDouble()));
        assertEquals(Double.POSITIVE_INFINITY, Literal.parse("inf", DType.F64).getDouble());
        assertEquals(Double.NEGATIVE_INFINITY, Literal.parse("-inf", DType.F32).getDouble());
        assertEquals(NDArray.scalar(-9223372036854775808L), Literal.parse("-9223372036854775808", DType.I64));
        assertEquals(255, Literal.parse("255", DType.U8).getLong());
        assertEquals(4, Literal.parse("4.0", DType.I32).getLong());
        assertEquals(1000, Literal.parse("1e3", DType.I64).getLong());
    }

    @Test
    void nestedLists() {
        NDArray a = Literal.parse("[[0, 1], [-1, -2]]", DType.F64);
        assertEquals(NDArray.ofDoubles(new double[] {0, 1, -1, -2}, 2, 2), a);
        assertEquals(a, Literal.parse(" [ [0,1] ,\n[ -1 , -2 ] ] ", DType.F64));
        assertEquals(a, Literal.parse("[[0, 1,], [-1, -2],]", DType.F64));
        assertArrayEquals(new int[] {0}, Literal.parse("[]", DType.F64).shape());
        assertArrayEquals(new int[] {2, 0}, Literal.parse("[[], []]", DType.I64).shape());
        assertArrayEquals(new int[] {1, 1, 1}, Literal.parse("[[[7]]]", DType.I8).shape());
    }

    @Test
    void inferPicksTheNarrowestKind() {
        assertEquals(DType.I64, Literal.parseInfer("[1, -2]").dtype());
        assertEquals(DType.F64, Literal.parseInfer("[1, 2.0]").dtype());
        assertEquals(DType.F64, Literal.parseInfer("1e3").dtype());
        assertEquals(DType.BOOL, Literal.parseInfer("[true, false]").dtype());
        assertEquals(DType.I64, Literal.parseInfer("[true, 2]").dtype());
        assertEquals(DType.F64, Literal.parseInfer("[nan]").dtype());
        assertEquals(DType.F64, Literal.parseInfer("[]").dtype());
    }

    @Test
    void inexactConversionsNameValueAndDtype() {
        assertError("4.5", DType.I64, "value 4.5 at column 1 cannot be represented exactly as i64");
        assertError("[1, 300]", DType.U8, "value 300 at column 5 is out of range for u8");
        assertError("-1", DType.U8, "value -1 at column 1 is out of range for u8");
        assertError("1.5", DType.BOOL, "value 1.5 at column 1 cannot be represented exactly as bool");
        assertError("2", DType.BOOL, "value 2 at column 1 cannot be represented exactly as bool");
        assertError("nan", DType.I32, "value nan at column 1 cannot be represented exactly as i32");
        assertError("1e300", DType.F32, "value 1e300 at column 1 is out of range for f32");
        assertError("[1, -1e400]", DType.F64, "value -1e400 at column 5 is too large for a 64-bit float");
        assertError("99999999999999999999", DType.I64, "out of range for i64");
        assertError("128", DType.I8, "out of range for i8");
        assertEquals(1, Literal.parse("1", DType.BOOL).getLong());
    }

    @Test
    void syntaxErrorsGiveTheColumn() {
        assertError("[[1, 2], [3]]", DType.F64, "ragged nested list: the element at column 10 has shape (1,)");
        assertError("[1, [2]]", DType.F64, "ragged");
        assertError("[1, 2", DType.F64, "'[' at column 1 is never closed");
        assertError("[1 2]", DType.F64, "expected ',' or ']' at column 4");
        assertError("4.5x", DType.F64, "unexpected character 'x' at column 4");
        assertError("", DType.F64, "column 1");
        assertError("[1,,2]", DType.F64, "unexpected character ',' at column 4");
        assertError("1 2", DType.F64, "unexpected character '2' at column 3");
        assertError("1e", DType.F64, "'1e' at column 1 is not a number");
        assertError("abc", DType.F64, "'abc' at column 1 is not a number");
        assertError("]", DType.F64, "unexpected character ']' at column 1");
    }

    @Test
    void deepNestingIsBoundedAndLinear() {
        // 64 levels (NumPy's limit on dimensions) parse, at once: checking the shape once per element, not 2^depth times.
        var a = Literal.parse("[".repeat(64) + "7" + "]".repeat(64), DType.F64);
        assertEquals(64, a.shape().length);
        assertEquals(7.0, a.getDoubleFlat(0));
        assertError("[".repeat(65) + "7" + "]".repeat(65), DType.F64, "'[' at column 65 is nested too deeply");
        assertError("[".repeat(100_000) + "7" + "]".repeat(100_000), DType.F64, "'[' at column 65 is nested too deeply");
    }

    private static void assertError(String text, DType t, String fragment) {
        var e = assertThrows(TxRuntimeException.class, () -> Literal.parse(text, t));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
