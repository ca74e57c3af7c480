package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static dev.txc.types.DType.I64;

import dev.txc.ir.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients of whole models and higher derivatives against formulas derived by hand and evaluated in plain Java:
 * logistic regression, a two-layer MLP (hand backprop), third derivatives, Hessian-vector products, jacobian and
 * hessian, and the seed examples of LANGUAGE.md section 10.
 */
class CompositeGradTest {
    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Logistic regression: cost, gw, gb for p = sigmoid(Xw + b), mean cross-entropy + 0.01 |w|^2. */
    static double[][] logistic(double[] X, double[] y, double[] w, double b, int n, int d) {
        double cost = 0, gb = 0;
        double[] gw = new double[d];
        for (int i = 0; i < n; i++) {
            double z = b;
            for (int j = 0; j < d; j++) z += X[i * d + j] * w[j];
            double p = sigmoid(z);
            cost += -y[i] * Math.log(p) - (1 - y[i]) * Math.log(1 - p);
            // d xent / dz = p - y
            for (int j = 0; j < d; j++) gw[j] += X[i * d + j] * (p - y[i]) / n;
            gb += (p - y[i]) / n;
        }
        cost /= n;
        for (int j = 0; j < d; j++) {
            cost += 0.01 * w[j] * w[j];
            gw[j] += 2 * 0.01 * w[j];
        }
        return new double[][] {{cost}, gw, {gb}};
    }

    @Test
    void logisticRegression() {
        var c = compile("""
            fn lr(X: f64[N, 3], y: f64[N], w: f64[3], b: f64) {
                p = sigmoid(dot(X, w) + b)
                xent = -y * log(p) - (1 - y) * log(1 - p)
                cost = mean(xent) + 0.01 * sum(w ** 2)
                gw, gb = grad(cost, [w, b])
                return cost, gw, gb
            }
            fn lr2(X: f64[N, 3], y: f64[N], w: f64[3], b: f64) {
                p_1 = 1 / (1 + exp(-dot(X, w) - b))
                cost = mean(binary_crossentropy(p_1, y)) + 0.01 * sum(w ** 2)
                return cost, grad(cost, w), grad(cost, b)
            }
            """);
        var r = new Random(42);
        int n = 7;
        double[] X = Harness.randn(r, n * 3), y = new double[n], w = Harness.randn(r, 3);
        for (int i = 0; i < n; i++) y[i] = r.nextInt(2);
        double b = 0.3;
        double[][] e = logistic(X, y, w, b, n, 3);
        for (String fn : new String[] {"lr", "lr2"}) {
            var out = run(c, fn, f64(sh(n, 3), X), f64(sh(n), y), f64(sh(3), w), scalar(b));
            check(out.get(0), F64, sh(), e[0], fn + " cost");
            check(out.get(1), F64, sh(3), e[1], fn + " gw = X^T (p - y) / N + 0.02 w");
            check(out.get(2), F64, sh(), e[2], fn + " gb = mean(p - y)");
        }
    }

    /** LANGUAGE.md section 10's train/predict with shared state: one call's outputs and updates. */
    @Test
    void trainStepWithSharedState() {
        var c = compile("""
            shared w: f64[3] = randn(seed=0)
            shared b: f64 = 0.0
            fn train(x: f32[N, 3], y: f32[N]) {
                p_1 = 1 / (1 + exp(-dot(x, w) - b))
                xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                cost = mean(xent) + 0.01 * sum(w ** 2)
                gw, gb = grad(cost, [w, b])
                w := w - 0.1 * gw
                b := b - 0.1 * gb
                return p_1 > 0.5, xent
            }
            fn predict(x: f32[N, 3]) = 1 / (1 + exp(-dot(x, w) - b)) > 0.5
            """);
        var r = new Random(9);
        int n = 6;
        double[] x = BuiltinSemanticsTest.toF32(Harness.randn(r, n * 3)), y = new double[n], w = Harness.randn(r, 3);
        for (int i = 0; i < n; i++) y[i] = r.nextInt(2);
        double b = -0.2;
        var st = step(c, "train", Map.of("w", f64(sh(3), w), "b", scalar(b)), f32(sh(n, 3), x), f32(sh(n), y));
        double[][] e = logistic(x, y, w, b, n, 3);
        long[] pred = new long[n];
        double[] xent = new double[n];
        for (int i = 0; i < n; i++) {
            double z = b;
            for (int j = 0; j < 3; j++) z += x[i * 3 + j] * w[j];
            double p = sigmoid(z);
            pred[i] = p > 0.5 ? 1 : 0;
            xent[i] = -y[i] * Math.log(p) - (1 - y[i]) * Math.log(1 - p);
        }
        checkLongs(st.outputs().get(0), dev.txc.types.DType.BOOL, sh(n), pred, "prediction");
        check(st.outputs().get(1), F64, sh(n), xent, "xent (f32 data with f64 weights is f64)");
        double[] w1 = new double[3];
        for (int j = 0; j < 3; j++) w1[j] = w[j] - 0.1 * e[1][j];
        check(st.updates().get("w"), F64, sh(3), w1, "w := w - 0.1 gw");
        check(st.updates().get("b"), F64, sh(), new double[] {b - 0.1 * e[2][0]}, "b := b - 0.1 gb");
        var p = step(c, "predict", Map.of("w", st.updates().get("w"), "b", st.updates().get("b")), f32(sh(n, 3), x));
        long[] pred1 = new long[n];
        for (int i = 0; i < n; i++) {
            double z = b - 0.1 * e[2][0];
            for (int j = 0; j < 3; j++) z += x[i * 3 + j] * w1[j];
            pred1[i] = sigmoid(z) > 0.5 ? 1 : 0;
        }
        checkLongs(p.outputs().get(0), dev.txc.types.DType.BOOL, sh(n), pred1, "predict with the updated state");
    }

    @Test
    void twoLayerMlpMatchesHandBackprop() {
        var c = compile("""
            fn mlp(X: f64[N, 4], Y: f64[N, 3], W1: f64[4, 5], b1: f64[5], W2: f64[5, 3], b2: f64[3]) {
                h = tanh(X @ W1 + b1)
                p = softmax(h @ W2 + b2)
                cost = mean(categorical_crossentropy(p, Y))
                g1, gb1, g2, gb2 = grad(cost, [W1, b1, W2, b2])
                return cost, g1, gb1, g2, gb2
            }
            fn mlp_labels(X: f64[N, 4], t: i64[N], W1: f64[4, 5], b1: f64[5], W2: f64[5, 3], b2: f64[3]) {
                h = tanh(dot(X, W1) + b1)
                cost = mean(categorical_crossentropy(softmax(dot(h, W2) + b2), t))
                g1, gb1, g2, gb2 = grad(cost, [W1, b1, W2, b2])
                return cost, g1, gb1, g2, gb2
            }
            fn mlp_logsoftmax(X: f64[6, 4], Y: f64[6, 3], W1: f64[4, 5], b1: f64[5], W2: f64[5, 3], b2: f64[3]) {
                h = tanh(X @ W1 + b1)
                cost = -mean(sum(Y * log_softmax(h @ W2 + b2), axis=1))
                g1, gb1, g2, gb2 = grad(cost, [W1, b1, W2, b2])
                return cost, g1, gb1, g2, gb2
            }
            """);
        var r = new Random(5);
        int n = 6, d = 4, hd = 5, k = 3;
        double[] X = Harness.randn(r, n * d), W1 = Harness.randn(r, d * hd), b1 = Harness.randn(r, hd), W2 = Harness.randn(r, hd * k), b2 = Harness.randn(r, k);
        long[] t = new long[n];
        double[] Y = new double[n * k];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(k);
            Y[i * k + (int) t[i]] = 1;
        }
        // Forward pass.
        double[] h = new double[n * hd], p = new double[n * k];
        double cost = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < hd; j++) {
                double z = b1[j];
                for (int q = 0; q < d; q++) z += X[i * d + q] * W1[q * hd + j];
                h[i * hd + j] = Math.tanh(z);
            }
            double[] z2 = new double[k];
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < k; j++) {
                z2[j] = b2[j];
                for (int q = 0; q < hd; q++) z2[j] += h[i * hd + q] * W2[q * k + j];
                m = Math.max(m, z2[j]);
            }
            for (int j = 0; j < k; j++) s += Math.exp(z2[j] - m);
            for (int j = 0; j < k; j++) {
                p[i * k + j] = Math.exp(z2[j] - m) / s;
                cost -= Y[i * k + j] * Math.log(p[i * k + j]) / n;
            }
        }
        // Backward pass: dz2 = (p - Y) / N for one-hot rows; dz1 = (dz2 W2^T) * (1 - h^2).
        double[] gW1 = new double[d * hd], gb1 = new double[hd], gW2 = new double[hd * k], gb2 = new double[k];
        for (int i = 0; i < n; i++) {
            double[] dz2 = new double[k];
            for (int j = 0; j < k; j++) dz2[j] = (p[i * k + j] - Y[i * k + j]) / n;
            for (int j = 0; j < k; j++) {
                gb2[j] += dz2[j];
                for (int q = 0; q < hd; q++) gW2[q * k + j] += h[i * hd + q] * dz2[j];
            }
            for (int q = 0; q < hd; q++) {
                double dh = 0;
                for (int j = 0; j < k; j++) dh += dz2[j] * W2[q * k + j];
                double dz1 = dh * (1 - h[i * hd + q] * h[i * hd + q]);
                gb1[q] += dz1;
                for (int a = 0; a < d; a++) gW1[a * hd + q] += X[i * d + a] * dz1;
            }
        }
        Tensor[] params = {f64(sh(d, hd), W1), f64(sh(hd), b1), f64(sh(hd, k), W2), f64(sh(k), b2)};
        Tensor xs = f64(sh(n, d), X);
        // Sums of a few dozen products: relative 1e-12 holds except where a gradient entry cancels to near zero,
        // which the absolute floor of check (1e-15) covers.
        for (String fn : new String[] {"mlp", "mlp_labels", "mlp_logsoftmax"}) {
            Tensor labels = fn.equals("mlp_labels") ? Tensor.ofLongs(I64, sh(n), t) : f64(sh(n, k), Y);
            var out = run(c, fn, xs, labels, params[0], params[1], params[2], params[3]);
            check(out.get(0), F64, sh(), new double[] {cost}, fn + " cost");
            check(out.get(1), F64, sh(d, hd), gW1, 1e-11, fn + " gW1");
            check(out.get(2), F64, sh(hd), gb1, 1e-11, fn + " gb1");
            check(out.get(3), F64, sh(hd, k), gW2, 1e-11, fn + " gW2");
            check(out.get(4), F64, sh(k), gb2, 1e-11, fn + " gb2");
        }
    }

    /** Regression: the minimal form of an elementwise-fusion failure found with the MLP above when its batch dim was a dim variable. */
    @Test
    void fusedGradientOfAMeanOverADimVariable() {
        var c = compile("fn f(z: f64[N, 3]) = grad(mean(sum(z * z, axis=1)), z)\nfn g(z: f64[N]) = grad(mean(log_softmax(z)), z)");
        // d/dz mean_i sum_j z_ij^2 = 2 z / N; d/dz mean(log_softmax(z)) = (1 - N softmax(z)) / N = 1/N - softmax(z).
        check(run1(c, "f", f64(sh(2, 3), 1, 2, 3, 4, 5, 6)), F64, sh(2, 3), new double[] {1, 2, 3, 4, 5, 6}, "grad of mean(sum(z^2, axis=1))");
        double[] s = BuiltinSemanticsTest.softmaxRows(new double[] {0.5, -1}, 1, 2, false);
        check(run1(c, "g", f64(sh(2), 0.5, -1)), F64, sh(2), new double[] {0.5 - s[0], 0.5 - s[1]}, "grad of mean(log_softmax(z))");
    }

    @Test
    void thirdDerivatives() {
        var c = compile("""
            fn d1(x: f64) = grad(x ** 4, x)
            fn d2(x: f64) = grad(grad(x ** 4, x), x)
            fn d3(x: f64) = grad(grad(grad(x ** 4, x), x), x)
            fn v3(x: f64[N]) = grad(sum(grad(sum(grad(sum(x ** 4), x)), x)), x)
            fn s3(x: f64) = grad(grad(grad(sin(x) * x, x), x), x)
            fn e3(x: f64[N]) = grad(sum(grad(sum(grad(sum(exp(2 * x)), x)), x)), x)
            """);
        for (double x : new double[] {-1.5, 0, 0.5, 2, 3.25}) {
            check(run1(c, "d1", scalar(x)), F64, sh(), new double[] {4 * x * x * x}, "d/dx x^4 at " + x);
            check(run1(c, "d2", scalar(x)), F64, sh(), new double[] {12 * x * x}, "d2/dx2 x^4 at " + x);
            check(run1(c, "d3", scalar(x)), F64, sh(), new double[] {24 * x}, "d3/dx3 x^4 = 24x at " + x);
            // (x sin x)''' = -3 sin x - x cos x
            check(run1(c, "s3", scalar(x)), F64, sh(), new double[] {-3 * Math.sin(x) - x * Math.cos(x)}, "d3/dx3 x sin x at " + x);
        }
        check(run1(c, "v3", f64(sh(3), -1, 0.5, 2)), F64, sh(3), new double[] {-24, 12, 48}, "elementwise third derivative");
        check(run1(c, "e3", f64(sh(2), 0.1, -0.7)), F64, sh(2), new double[] {8 * Math.exp(0.2), 8 * Math.exp(-1.4)}, "(e^2x)''' = 8 e^2x");
    }

    @Test
    void hessianVectorProducts() {
        var c = compile("""
            fn hv1(x: f64[N], v: f64[N]) = rop(grad(sum(x ** 3) + sum(x) ** 2, x), x, v)
            fn hv2(x: f64[N], v: f64[N]) = grad(sum(grad(sum(x ** 3) + sum(x) ** 2, x) * v), x)
            fn hv3(x: f64[N], v: f64[N]) = lop(grad(sum(x ** 3) + sum(x) ** 2, x), x, v)
            fn h(x: f64[N]) = hessian(sum(x ** 3) + sum(x) ** 2, x)
            fn hm(W: f64[2, 3], V: f64[2, 3], a: f64[3]) = rop(grad(sum(tanh(W @ a)), W), W, V)
            """);
        var r = new Random(17);
        int n = 5;
        double[] x = Harness.randn(r, n), v = Harness.randn(r, n);
        // H = diag(6x) + 2 * ones: Hv = 6 x v + 2 sum(v).
        double sv = 0;
        for (double q : v) sv += q;
        double[] hv = new double[n], H = new double[n * n];
        for (int i = 0; i < n; i++) {
            hv[i] = 6 * x[i] * v[i] + 2 * sv;
            for (int j = 0; j < n; j++) H[i * n + j] = (i == j ? 6 * x[i] : 0) + 2;
        }
        for (String fn : new String[] {"hv1", "hv2", "hv3"}) check(run1(c, fn, f64(sh(n), x), f64(sh(n), v)), F64, sh(n), hv, fn + " = H v");
        check(run1(c, "h", f64(sh(n), x)), F64, sh(n, n), H, "hessian");
        // f(W) = sum_i tanh((W a)_i): grad_W = (1 - t_i^2) a_j; its directional derivative along V is
        // -2 t_i (1 - t_i^2) (V a)_i a_j.
        double[] W = Harness.randn(r, 6), V = Harness.randn(r, 6), a = Harness.randn(r, 3);
        double[] e = new double[6];
        for (int i = 0; i < 2; i++) {
            double z = 0, va = 0;
            for (int j = 0; j < 3; j++) {
                z += W[i * 3 + j] * a[j];
                va += V[i * 3 + j] * a[j];
            }
            double t = Math.tanh(z);
            for (int j = 0; j < 3; j++) e[i * 3 + j] = -2 * t * (1 - t * t) * va * a[j];
        }
        check(run1(c, "hm", f64(sh(2, 3), W), f64(sh(2, 3), V), f64(sh(3), a)), F64, sh(2, 3), e, 1e-11, "Hessian-vector product wrt a matrix");
    }

    @Test
    void jacobianAndHessianOnSmallInputs() {
        var c = compile("""
            fn j1(x: f64[3]) = jacobian(x ** 2, x)
            fn j2(A: f64[2, 3], x: f64[3]) = jacobian(A @ x, x)
            fn j3(x: f64[2, 2], b: f64[2]) = jacobian(x @ b, x)
            fn j4(x: f64[3]) = jacobian(softmax(x), x)
            fn j5(x: f64[3]) = jacobian(sum(x ** 2), x)
            fn j6(x: f64[2], y: f64[2]) = jacobian(outer(x, y), y)
            fn h1(x: f64[2]) = hessian(x[0] * x[1] ** 2, x)
            fn h2(x: f64[3]) = hessian(logsumexp(x), x)
            fn h3(W: f64[2, 2]) = hessian(sum(W ** 3), W)
            fn h4(x: f64) = hessian(x ** 3, x)
            """);
        check(run1(c, "j1", f64(sh(3), 1, -2, 3)), F64, sh(3, 3), new double[] {2, 0, 0, 0, -4, 0, 0, 0, 6}, "jacobian(x^2) = diag(2x)");
        double[] A = {1, 2, 3, 4, 5, 6};
        check(run1(c, "j2", f64(sh(2, 3), A), f64(sh(3), 7, 8, 9)), F64, sh(2, 3), A, "jacobian(A x) = A");
        // J[i, k, l] = d (x b)_i / d x_kl = [i == k] b_l
        check(run1(c, "j3", f64(sh(2, 2), 1, 2, 3, 4), f64(sh(2), 5, 6)), F64, sh(2, 2, 2), new double[] {5, 6, 0, 0, 0, 0, 5, 6}, "jacobian wrt a matrix");
        double[] xs = {0.2, -1, 0.5};
        double[] s = BuiltinSemanticsTest.softmaxRows(xs, 1, 3, false);
        double[] js = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) js[i * 3 + j] = (i == j ? s[i] : 0) - s[i] * s[j];
        check(run1(c, "j4", f64(sh(3), xs)), F64, sh(3, 3), js, "jacobian(softmax) = diag(s) - s s^T");
        check(run1(c, "j5", f64(sh(3), 1, -2, 3)), F64, sh(3), new double[] {2, -4, 6}, "jacobian of a scalar is the gradient");
        // d (x_i y_j) / d y_l = x_i [j == l]
        check(run1(c, "j6", f64(sh(2), 2, 3), f64(sh(2), 5, 7)), F64, sh(2, 2, 2), new double[] {2, 0, 0, 2, 3, 0, 0, 3}, "jacobian of outer wrt y");
        check(run1(c, "h1", f64(sh(2), 1.5, -2)), F64, sh(2, 2), new double[] {0, 2 * -2, 2 * -2, 2 * 1.5}, "hessian of x0 x1^2");
        check(run1(c, "h2", f64(sh(3), xs)), F64, sh(3, 3), js, "hessian(logsumexp) = diag(s) - s s^T");
        double[] W = {1, -2, 0.5, 3};
        double[] hw = new double[16];
        for (int i = 0; i < 4; i++) hw[i * 4 + i] = 6 * W[i];
        check(run1(c, "h3", f64(sh(2, 2), W)), F64, sh(2, 2, 2, 2), hw, "hessian wrt a matrix");
        check(run1(c, "h4", scalar(2)), F64, sh(), new double[] {12}, "hessian of a scalar function");
    }

    @Test
    void languageSection10Seeds() {
        var c = compile("""
            fn gy(x: f64) = grad(x ** 2, x)
            fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
            fn jac(x: f64[N]) = jacobian(x ** 2, x)
            fn hess(x: f64[N]) = hessian(sum(x ** 2), x)
            fn jv(W: f64[?, ?], V: f64[?, ?], x: f64[?]) = rop(dot(x, W), W, V)
            fn vj(W: f64[?, ?], v: f64[?], x: f64[?]) = lop(dot(x, W), W, v)
            fn hv(x: f64[N], v: f64[N]) = rop(grad(sum(x ** 2), x), x, v)
            fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))
            """);
        check(run1(c, "gy", scalar(4)), F64, sh(), new double[] {8}, "gy(4)");
        check(run1(c, "gy", scalar(94.2)), F64, sh(), new double[] {188.4}, "gy(94.2)");
        double[] xs = {0, 1, -1, -2}, e = new double[4];
        for (int k = 0; k < 4; k++) e[k] = sigmoid(xs[k]) * (1 - sigmoid(xs[k]));
        check(run1(c, "dlogistic", f64(sh(2, 2), xs)), F64, sh(2, 2), e, "dlogistic");
        check(run1(c, "dlogistic", f64(sh(2, 2), xs)), F64, sh(2, 2), new double[] {0.25, 0.19661193, 0.19661193, 0.10499359}, 1e-7, "dlogistic (8 digits, LANGUAGE.md)");
        check(run1(c, "jac", f64(sh(2), 4, 4)), F64, sh(2, 2), new double[] {8, 0, 0, 8}, "jac");
        check(run1(c, "hess", f64(sh(2), 4, 4)), F64, sh(2, 2), new double[] {2, 0, 0, 2}, "hess");
        var ones = f64(sh(2, 2), 1, 1, 1, 1);
        check(run1(c, "jv", ones, f64(sh(2, 2), 2, 2, 2, 2), f64(sh(2), 0, 1)), F64, sh(2), new double[] {2, 2}, "jv");
        check(run1(c, "vj", ones, f64(sh(2), 2, 2), f64(sh(2), 0, 1)), F64, sh(2, 2), new double[] {0, 0, 2, 2}, "vj");
        check(run1(c, "hv", f64(sh(2), 4, 4), f64(sh(2), 2, 2)), F64, sh(2), new double[] {4, 4}, "hv");
        var lm = run(c, "linear_mix", f64(sh(2, 3), 1, 2, 3, 4, 5, 6), f64(sh(3), 1, 0, -1), f64(sh(2), 10, 20));
        check(lm.get(0), F64, sh(2), new double[] {1 - 3 + 10, 4 - 6 + 20}, "linear_mix dot + b");
        check(lm.get(1), F64, sh(), new double[] {91}, "linear_mix sum(A^2)");
        // The default b = zeros(), through the interpreter (the JVM entry point takes every argument).
        var byName = Map.of("A", f64(sh(2, 3), 1, 2, 3, 4, 5, 6), "x", f64(sh(3), 1, 0, -1));
        var d = dev.txc.ir.Interpreter.run(c.fn("linear_mix"), byName, nm -> null).outputs();
        check(d.get(0), F64, sh(2), new double[] {-2, -2}, "linear_mix with the default b");
    }

    @Test
    void f32ModelGradients() {
        var c = compile("""
            fn lr(X: f32[N, 2], y: f32[N], w: f32[2]) {
                p = sigmoid(X @ w)
                cost = mean(binary_crossentropy(p, y))
                return cost, grad(cost, w)
            }
            """, F32);
        double[] X = BuiltinSemanticsTest.toF32(new double[] {0.5, -1, 1.5, 2, -0.25, 0.75}), y = {1, 0, 1}, w = BuiltinSemanticsTest.toF32(new double[] {0.3, -0.6});
        double cost = 0;
        double[] g = new double[2];
        for (int i = 0; i < 3; i++) {
            double p = sigmoid(X[i * 2] * w[0] + X[i * 2 + 1] * w[1]);
            cost += (-y[i] * Math.log(p) - (1 - y[i]) * Math.log(1 - p)) / 3;
            for (int j = 0; j < 2; j++) g[j] += X[i * 2 + j] * (p - y[i]) / 3;
        }
        var out = run(c, "lr", f32(sh(3, 2), X), f32(sh(3), y), f32(sh(2), w));
        // f32 arithmetic throughout: a few roundings of 6e-8 each, so 1e-6 relative.
        check(out.get(0), F32, sh(), new double[] {cost}, 1e-6, "f32 cost");
        check(out.get(1), F32, sh(2), g, 1e-6, "f32 gradient");
    }
}
