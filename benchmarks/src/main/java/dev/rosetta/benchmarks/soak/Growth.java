package dev.rosetta.benchmarks.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Whether one memory figure grew during the soak, the criterion of a leak: the samples from the end
 * of the warm-up until the producers stop are split at the middle of that time, and the median of the second half may
 * exceed the median of the first half by at most {@code max(relative x first, absolute)}. Medians,
 * so that a GC cycle caught at its top or bottom moves nothing. The least-squares slope over the
 * same samples is reported (per hour) but not judged: on a noisy machine it follows single spikes.
 *
 * @param values     how many samples were compared
 * @param firstHalf  median of the first half
 * @param secondHalf median of the second half
 * @param allowed    the growth allowed
 * @param checked    false for figures reported only
 */
record Growth(
        String what,
        String unit,
        int values,
        double firstHalf,
        double secondHalf,
        double allowed,
        double slopePerHour,
        double min,
        double max,
        double median,
        boolean checked) {

    boolean grew() {
        return checked && values >= 4 && secondHalf - firstHalf > allowed;
    }

    double growth() {
        return secondHalf - firstHalf;
    }

    static Growth of(
            String what,
            String unit,
            List<Sample> samples,
            double fromSeconds,
            double toSeconds,
            ToDoubleFunction<Sample> value,
            double relative,
            double absolute,
            boolean checked) {
        List<double[]> points = new ArrayList<>();
        for (Sample s : samples) {
            double v = value.applyAsDouble(s);
            if (s.seconds() >= fromSeconds && s.seconds() <= toSeconds && !Double.isNaN(v)) {
                points.add(new double[] {s.seconds(), v});
            }
        }
        if (points.isEmpty()) {
            return new Growth(
                    what,
                    unit,
                    0,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    checked);
        }
        double start = points.get(0)[0];
        double end = points.get(points.size() - 1)[0];
        double middle = (start + end) / 2;
        List<Double> first = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (double[] p : points) {
            (p[0] <= middle ? first : second).add(p[1]);
            all.add(p[1]);
        }
        double a = median(first);
        double b = median(second);
        return new Growth(
                what,
                unit,
                points.size(),
                a,
                b,
                Math.max(relative * a, absolute),
                slope(points) * 3600,
                all.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                all.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                median(all),
                checked);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Least-squares slope of value over seconds. */
    private static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return unit.equals("MiB")
                ? String.format(Locale.ROOT, "%.1f", v / (1024.0 * 1024))
                : String.format(Locale.ROOT, "%.1f", v);
    }

    String verdict() {
        if (!checked) {
            return "reported";
        }
        if (values < 4) {
            return "too few samples";
        }
        return grew() ? "GREW" : "flat";
    }
}
