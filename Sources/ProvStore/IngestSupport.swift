public import ProvModel
import Synchronization

// Helpers every back-end's ingest shares, so that they classify keys and summarise metric series the same way.

/// Classifies keys with the taxonomy, remembering each key's result.
public final class KeyClassifier: Sendable {
    public let taxonomy: Taxonomy
    private let cache = Mutex<[String: String?]>([:])

    public init(taxonomy: Taxonomy) {
        self.taxonomy = taxonomy
    }

    /// The term id for `key`, or `nil` when no term fits.
    public func term(for key: String) -> String? {
        if let cached = cache.withLock({ $0[key] }) {
            return cached
        }
        let term = taxonomy.classify(key)?.term.id
        cache.withLock { $0[key] = term }
        return term
    }
}

/// The changes one batch makes to a metric series' summary: how many points it added, the latest of them (by step,
/// then time) and the extremes of their non-NaN values.
public struct MetricSeriesDelta: Sendable {
    public var count = 0
    /// `Int64.min` while no point was added.
    public var lastStep: Int64 = .min
    /// `Int64.min` for a point without a time.
    public var lastTime: Int64 = .min
    public var lastValue: Double = .nan
    /// The extremes of the batch's non-NaN values; `nil` while there are none.
    public var minimum: Double?
    public var maximum: Double?

    public init() {}

    /// Adds one stored point (time in microseconds since the epoch).
    public mutating func add(value: Double, step: Int64, time: Int64?) {
        count += 1
        let time = time ?? .min
        if step > lastStep || (step == lastStep && time >= lastTime) {
            lastStep = step
            lastTime = time
            lastValue = value
        }
        if !value.isNaN {
            minimum = Swift.min(minimum ?? value, value)
            maximum = Swift.max(maximum ?? value, value)
        }
    }
}
