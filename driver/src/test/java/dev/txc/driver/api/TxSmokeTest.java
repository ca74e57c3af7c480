package dev.txc.driver.api;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TxSmokeTest {
    @Test
    void gradientOfSquare() {
        Expr x = dscalar("x");
        Expr gy = grad(x.pow(2), x);
        TxFunction f = function(List.of(x), gy);
        assertEquals(8.0, f.invoke(4.0).toDouble());
        assertEquals(188.4, f.invoke(94.2).toDouble(), 1e-12);
        assertEquals("(2.0 * x)", f.pp(0));
        System.out.println(pp(gy));
        System.out.println(f.ir("lowered"));
    }

    @Test
    void accumulator() {
        Shared state = shared(0, "state");
        Expr inc = iscalar("inc");
        TxFunction acc = function(List.of(inc), state, Map.of(state, state.plus(inc)));
        assertEquals(0, acc.invoke(1).value().getLong());
        assertEquals(1, state.get().getLong());
        assertEquals(1, acc.invoke(300).value().getLong());
        assertEquals(301, state.get().getLong());
    }

    @Test
    void evalBindings() {
        Expr x = dscalar("x");
        assertEquals(9.0, x.pow(2).eval(Map.of(x, 3)).getDouble());
    }
}
