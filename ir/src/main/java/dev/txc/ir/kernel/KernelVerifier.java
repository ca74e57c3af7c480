package dev.txc.ir.kernel;

import dev.txc.types.DType;
import dev.txc.ir.kernel.Kernel.Operand;
import dev.txc.ir.kernel.Kernel.Role;
import java.util.List;

/**
 * The invariants of a kernel, checked when one is built: outputs come first; every value is defined before use;
 * loads name inputs and stores name outputs, each output stored exactly once, after every value; each op is
 * elementwise with its arity; a scalar output is allowed only in a kernel whose operands are all scalar.
 */
final class KernelVerifier {
    private KernelVerifier() {}

    static void verify(List<Operand> operands, int shapes, List<Instr> body, Kernel.Reduction reduction) {
        int nOut = 0;
        for (Operand o : operands) {
            if (o.role() == Role.OUT) {
                check(nOut == operands.indexOf(o), "outputs must come before inputs");
                nOut++;
            }
        }
        check(nOut > 0, "a kernel needs an output");
        check(shapes >= 0, "negative shape count");
        if (reduction != null) {
            check(nOut == 1 && operands.getFirst().dtype().isFloat(), "a reduction kernel has one float output");
        }
        boolean[] stored = new boolean[operands.size()];
        boolean storing = false;
        for (int id = 0; id < body.size(); id++) {
            final int at = id;
            switch (body.get(id)) {
                case Instr.Load l -> {
                    check(!storing, "%" + at + ": values must come before the stores");
                    check(l.operand() >= 0 && l.operand() < operands.size() && operands.get(l.operand()).role() == Role.IN,
                            "%" + at + ": load of a non-input operand " + l.operand());
                }
                case Instr.Lit c -> check(!storing, "%" + at + ": values must come before the stores");
                case Instr.Apply a -> {
                    check(!storing, "%" + at + ": values must come before the stores");
                    check(ElementwiseOps.of(a.op()).elementwise(), "%" + at + ": " + a.op().spelling() + " is not elementwise");
                    int arity = a.op().arity();
                    check(a.args().size() == arity || (a.op() == dev.txc.ir.Op.BROADCAST_TO && a.args().size() == 1),
                            "%" + at + ": " + a.op().spelling() + " takes " + arity + " operands");
                    for (int arg : a.args()) check(arg >= 0 && arg < at && !(body.get(arg) instanceof Instr.Store),
                            "%" + at + ": operand %" + arg + " is not an earlier value");
                }
                case Instr.Store s -> {
                    storing = true;
                    check(s.operand() >= 0 && s.operand() < operands.size() && operands.get(s.operand()).role() == Role.OUT,
                            "store to a non-output operand " + s.operand());
                    check(!stored[s.operand()], "output " + s.operand() + " stored twice");
                    stored[s.operand()] = true;
                    check(s.arg() >= 0 && s.arg() < at && !(body.get(s.arg()) instanceof Instr.Store), "store of a non-value");
                    DType want = operands.get(s.operand()).dtype();
                    DType got = valueType(operands, body, s.arg());
                    check(want == got, "store of " + got.spelling() + " into " + want.spelling() + " output " + s.operand());
                }
            }
        }
        for (int k = 0; k < nOut; k++) check(stored[k], "output " + k + " is never stored");
    }

    private static DType valueType(List<Operand> operands, List<Instr> body, int id) {
        return switch (body.get(id)) {
            case Instr.Load l -> operands.get(l.operand()).dtype();
            case Instr.Lit c -> c.dtype();
            case Instr.Apply a -> a.dtype();
            case Instr.Store s -> throw new IllegalArgumentException("a store has no value");
        };
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid kernel: " + message);
    }
}
