package dev.txc.tests.api;

import static dev.txc.driver.api.Tx.*;

import dev.txc.driver.api.Expr;
import dev.txc.driver.api.Shared;
import dev.txc.driver.api.TxFunction;
import java.util.List;
import java.util.Map;

public class JavaExample {
    public static void main(String[] args) {
        // Symbolic variables and expressions (theano.tensor), typed and promoted exactly as in .tx
        Expr x = dmatrix("x");
        Expr s = sum(constant(1).div(constant(1).plus(exp(x.unaryMinus()))));

        // A compiled function (theano.function): one JVM class, called many times
        TxFunction dlogistic = function("dlogistic", List.of(x), fn -> grad(s, x));
        System.out.println(dlogistic.invoke(List.of(List.of(0, 1), List.of(-1, -2))));
        System.out.println(dlogistic.pp());

        // State (theano.shared) and updates: outputs see the values from before the call
        Shared state = shared(0, "state");
        Expr inc = lscalar("inc");
        TxFunction accumulate = function(List.of(inc), state, Map.of(state, state.plus(inc)));
        accumulate.invoke(1);
        System.out.println(accumulate.invoke(300) + ", then " + state.get().getLong());
    }
}
