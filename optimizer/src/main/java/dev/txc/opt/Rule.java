package dev.txc.opt;

import dev.txc.ir.Node;
import java.util.function.UnaryOperator;

/** A rewrite rule as data: its name, the identity it applies, and the rewrite (a replacement, or null when it does not match). */
record Rule(String name, String identity, UnaryOperator<Node> rewrite) {}
