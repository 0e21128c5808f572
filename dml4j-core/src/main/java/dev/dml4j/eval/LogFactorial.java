package dev.dml4j.eval;

/**
 * ln(n!) to full double precision: exact products below 20, Stirling's series with four correction terms above
 * (truncation error below 1e-17 there), so no error accumulates as it would in a running sum of logarithms.
 */
final class LogFactorial {
    private static final int EXACT_BELOW = 20;
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private LogFactorial() {
    }

    /** ln(n!) for n ≥ 0. */
    static double of(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (n < EXACT_BELOW) {
            double f = 1;
            for (int i = 2; i <= n; i++) {
                f *= i;
            }
            return Math.log(f);
        }
        double x = n;
        double inv = 1 / x;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
        return x * Math.log(x) - x + 0.5 * Math.log(x) + HALF_LOG_TWO_PI + series;
    }

    /** ln(i!) for i = 0..n. */
    static double[] table(int n) {
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = of(i);
        }
        return t;
    }
}
