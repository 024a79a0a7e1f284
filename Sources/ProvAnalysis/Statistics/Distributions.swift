#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Distribution functions the analyses need: the normal CDF (as scipy/cephes compute it), Student's t CDF and
/// quantile, the regularized incomplete beta function and digamma.
public enum ProvDistributions {
    /// The standard normal CDF Φ(a), with cephes' `ndtr` branch structure (which `scipy.stats.norm.cdf` uses):
    /// `0.5 + 0.5·erf(a/√2)` near zero, `1 − 0.5·erfc(|a|/√2)` beyond. `erf`/`erfc` come from the C library, whose
    /// results can differ from cephes' by one ulp.
    public static func normalCDF(_ a: Double) -> Double {
        let x = a * 0.707_106_781_186_547_524_4
        let z = abs(x)
        if z < 0.707_106_781_186_547_524_4 { return 0.5 + 0.5 * erf(x) }
        let y = 0.5 * erfc(z)
        return x > 0 ? 1 - y : y
    }

    /// The upper normal tail `1 − Φ(x)` without cancellation: `0.5·erfc(x/√2)`.
    public static func normalSurvival(_ x: Double) -> Double {
        0.5 * erfc(x * 0.707_106_781_186_547_524_4)
    }

    /// The natural logarithm of the gamma function.
    public static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// The regularized incomplete beta function I_x(a, b), by the continued fraction (modified Lentz) and the
    /// symmetry I_x(a, b) = 1 − I_{1−x}(b, a). `complement` gives 1 − I_x(a, b) computed directly; pass `oneMinusX`
    /// when 1 − x is known more precisely than `1 − x`.
    public static func regularizedIncompleteBeta(
        _ a: Double, _ b: Double, x: Double, oneMinusX: Double? = nil, complement: Bool = false
    ) -> Double {
        let y = oneMinusX ?? (1 - x)
        if x <= 0 { return complement ? 1 : 0 }
        if y <= 0 { return complement ? 0 : 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y))
        if x < (a + 1) / (a + b + 2) {
            let value = front * betaContinuedFraction(a, b, x) / a
            return complement ? 1 - value : value
        }
        let value = front * betaContinuedFraction(b, a, y) / b
        return complement ? value : 1 - value
    }

    private static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// Student's t upper tail P(T > t) with `degrees` degrees of freedom.
    public static func studentTSurvival(_ t: Double, degrees: Double) -> Double {
        let t2 = t * t
        let x = degrees / (degrees + t2)
        let tail = 0.5 * regularizedIncompleteBeta(degrees / 2, 0.5, x: x, oneMinusX: t2 / (degrees + t2))
        return t >= 0 ? tail : 1 - tail
    }

    /// Student's t CDF.
    public static func studentTCDF(_ t: Double, degrees: Double) -> Double {
        t >= 0 ? 1 - studentTSurvival(t, degrees: degrees) : studentTSurvival(-t, degrees: degrees)
    }

    /// Student's t density.
    public static func studentTDensity(_ t: Double, degrees v: Double) -> Double {
        exp(lgamma((v + 1) / 2) - lgamma(v / 2) - 0.5 * log(v * Double.pi) - (v + 1) / 2 * log1p(t * t / v))
    }

    /// The quantile of Student's t: the `t` with CDF(t) = `probability` (0 < probability < 1), by Newton's method on
    /// the tail from the normal quantile, bisection-guarded.
    public static func studentTQuantile(_ probability: Double, degrees: Double) -> Double {
        precondition(probability > 0 && probability < 1 && degrees > 0)
        if probability == 0.5 { return 0 }
        if probability < 0.5 { return -studentTQuantile(1 - probability, degrees: degrees) }
        let target = 1 - probability  // upper tail
        var t = max(normalQuantile(probability), 1e-3)
        var low = 0.0
        var high = Double.infinity
        for _ in 0..<200 {
            let tail = studentTSurvival(t, degrees: degrees)
            let error = tail - target
            if error > 0 { low = max(low, t) } else { high = min(high, t) }
            let step = error / studentTDensity(t, degrees: degrees)
            var next = t + step
            if !(next > low && next < high) { next = high.isFinite ? (low + high) / 2 : max(2 * t, low + 1) }
            if abs(next - t) <= 1e-15 * abs(t) { return next }
            t = next
        }
        return t
    }

    /// The standard normal quantile Φ⁻¹(p): Acklam's rational approximation refined by one Halley step.
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Halley refinement.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// The digamma function ψ(x) for x > 0: exact harmonic sums for small integers (as cephes does), otherwise the
    /// recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic series.
    public static func digamma(_ x: Double) -> Double {
        precondition(x > 0)
        let euler = 0.577_215_664_901_532_860_606_512_090_082_402_43
        if x <= 10, x == x.rounded(.down) {
            var sum = 0.0
            var i = 1.0
            while i < x {
                sum += 1 / i
                i += 1
            }
            return sum - euler
        }
        var value = x
        var shift = 0.0
        while value < 10 {
            shift -= 1 / value
            value += 1
        }
        let z = 1 / (value * value)
        let series =
            z
            * (8.333_333_333_333_333_333_33e-2
                - z
                    * (8.333_333_333_333_333_333_33e-3
                        - z
                            * (3.968_253_968_253_968_253_97e-3
                                - z * (4.166_666_666_666_666_666_67e-3 - z * (7.575_757_575_757_575_757_58e-3
                                    - z * 2.109_279_609_279_609_279_61e-2)))))
        return shift + log(value) - 0.5 / value - series
    }
}
