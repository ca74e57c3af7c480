package dev.txc.frontend;

import dev.txc.ir.Diagnostic;
import dev.txc.ir.SourceSpan;

/** A located user error found while lowering; caught per statement so that every error of a file is reported. */
final class FrontendError extends RuntimeException {
    final transient Diagnostic diagnostic;

    FrontendError(SourceSpan span, String message) {
        super(message, null, false, false);
        this.diagnostic = Diagnostic.error(span, message);
    }

    FrontendError(Diagnostic d) {
        super(d.message(), null, false, false);
        this.diagnostic = d;
    }
}
