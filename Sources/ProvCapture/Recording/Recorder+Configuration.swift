/// What the recorder does when its buffer is full. A struct over a private enum, so that policies can be added.
public struct OverflowPolicy: Hashable, Sendable, CustomStringConvertible {
    private enum Backing: Hashable, Sendable {
        case dropNewest
        case dropOldest
    }

    private let backing: Backing

    /// Refuse the event being recorded (the default): what is already buffered is kept, in order.
    public static let dropNewest = OverflowPolicy(backing: .dropNewest)
    /// Discard the oldest buffered event to make room for the new one.
    public static let dropOldest = OverflowPolicy(backing: .dropOldest)

    var dropsNewest: Bool { backing == .dropNewest }

    public var description: String {
        switch backing {
        case .dropNewest: "drop-newest"
        case .dropOldest: "drop-oldest"
        }
    }
}

extension ProvRecorder {
    /// How a recorder buffers and delivers events.
    ///
    /// Recording never blocks and never waits for I/O: events go into a bounded in-memory buffer that a
    /// background loop delivers to the sink in batches. When the buffer is full, the ``overflowPolicy`` decides
    /// which event is dropped; every drop is counted in ``ProvRecorder/Statistics/dropped``, logged as a warning,
    /// and reported on the workflow run as the tag `provkit.capture.dropped_events` when the session ends, so no
    /// loss is ever silent.
    public struct Configuration: Sendable {
        /// The most events held in memory before the overflow policy applies. Default 1,048,576
        /// (env `PROVKIT_CAPTURE_BUFFER`).
        public var bufferCapacity: Int = 1 << 20
        /// Deliver as soon as this many events are waiting. Default 8,192.
        public var batchSize: Int = 8192
        /// Deliver at least this often while events are waiting. Default 250 ms.
        public var flushInterval: Duration = .milliseconds(250)
        /// What to drop when the buffer is full. Default ``OverflowPolicy/dropNewest``.
        public var overflowPolicy: OverflowPolicy = .dropNewest
        /// How many times a failed delivery is retried (with doubling waits from 100 ms) before its events are put
        /// back into the buffer for the next round. Default 3.
        public var deliveryRetries: Int = 3

        /// The defaults, with `PROVKIT_CAPTURE_BUFFER` applied when set.
        public static var `default`: Configuration {
            var configuration = Configuration()
            if let text = Environment.value("PROVKIT_CAPTURE_BUFFER"), let capacity = Int(text), capacity > 0 {
                configuration.bufferCapacity = capacity
            }
            return configuration
        }

        public init() {}
    }

    /// Counts of what a recorder did.
    public struct Statistics: Hashable, Sendable {
        /// Events accepted into the buffer.
        public var recorded: Int = 0
        /// Events the sink took.
        public var delivered: Int = 0
        /// Events lost to a full buffer (see ``Configuration/overflowPolicy``).
        public var dropped: Int = 0
        /// Deliveries that failed after their retries (their events went back into the buffer).
        public var failedDeliveries: Int = 0
        /// Events waiting in the buffer.
        public var pending: Int = 0

        public init() {}
    }
}
