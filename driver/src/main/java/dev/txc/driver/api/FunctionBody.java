package dev.txc.driver.api;

/**
 * The body of a function being built (a SAM interface: a Java lambda or a Kotlin lambda): declares updates, givens,
 * defaults and options on the scope and returns the outputs, an Expr, a list of them, or null for none.
 */
@FunctionalInterface
public interface FunctionBody {
    Object define(FunctionScope fn);
}
