import Foundation

/// A small, real training problem for the example: three Gaussian blobs in the plane, learned by softmax
/// regression or a one-hidden-layer ReLU network with mini-batch SGD. Everything is generated from a seed.
struct Training {
    /// A seeded generator (SplitMix64), so that the demo data and initial weights are reproducible.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }

        /// A standard normal sample (Box–Muller).
        mutating func normal() -> Double {
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
            let u2 = Double.random(in: 0..<1, using: &self)
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    struct Sample {
        var features: [Double]
        var label: Int
    }

    static let classes = 3
    static let features = 2

    /// Three overlapping blobs; returns (training, validation) splits.
    static func makeDataset(samplesPerClass: Int, seed: UInt64) -> (train: [Sample], validation: [Sample]) {
        var generator = SeededGenerator(state: seed)
        let centres: [[Double]] = [[0, 0], [2.2, 0.4], [0.9, 2.1]]
        var samples: [Sample] = []
        for (label, centre) in centres.enumerated() {
            for _ in 0..<samplesPerClass {
                samples.append(
                    Sample(features: [centre[0] + generator.normal(), centre[1] + generator.normal()], label: label))
            }
        }
        samples.shuffle(using: &generator)
        let cut = samples.count * 4 / 5
        return (Array(samples[..<cut]), Array(samples[cut...]))
    }

    /// Hyperparameters of one training run.
    struct Configuration {
        var learningRate: Double
        var batchSize: Int
        var hiddenUnits: Int
        var epochs: Int
        var seed: UInt64
    }

    /// The metrics after one epoch.
    struct EpochResult {
        var epoch: Int
        var trainLoss: Double
        var trainAccuracy: Double
        var validationLoss: Double
        var validationAccuracy: Double
    }

    /// A dense network: input → (hidden ReLU layer, if any) → softmax.
    struct Network {
        var layers: [(weights: [[Double]], biases: [Double])]

        init(hiddenUnits: Int, generator: inout SeededGenerator) {
            let sizes = hiddenUnits > 0 ? [features, hiddenUnits, classes] : [features, classes]
            layers = (0..<(sizes.count - 1)).map { index in
                let scale = (2.0 / Double(sizes[index])).squareRoot()
                let weights = (0..<sizes[index]).map { _ in
                    (0..<sizes[index + 1]).map { _ in generator.normal() * scale }
                }
                return (weights, [Double](repeating: 0, count: sizes[index + 1]))
            }
        }

        /// The activations of every layer, input first; the last is the softmax output.
        func forward(_ input: [Double]) -> [[Double]] {
            var activations = [input]
            for (index, layer) in layers.enumerated() {
                let previous = activations[activations.count - 1]
                var output = layer.biases
                for (row, value) in previous.enumerated() where value != 0 {
                    for column in output.indices { output[column] += value * layer.weights[row][column] }
                }
                if index < layers.count - 1 {
                    output = output.map { max(0, $0) }
                } else {
                    let peak = output.max() ?? 0
                    let exponentials = output.map { exp($0 - peak) }
                    let total = exponentials.reduce(0, +)
                    output = exponentials.map { $0 / total }
                }
                activations.append(output)
            }
            return activations
        }

        /// One SGD step on a mini-batch.
        mutating func step(_ batch: ArraySlice<Sample>, learningRate: Double) {
            var gradients = layers.map { layer in
                (weights: layer.weights.map { $0.map { _ in 0.0 } }, biases: layer.biases.map { _ in 0.0 })
            }
            for sample in batch {
                let activations = forward(sample.features)
                var delta = activations[activations.count - 1]
                delta[sample.label] -= 1
                for index in stride(from: layers.count - 1, through: 0, by: -1) {
                    let input = activations[index]
                    for row in input.indices where input[row] != 0 {
                        for column in delta.indices {
                            gradients[index].weights[row][column] += input[row] * delta[column]
                        }
                    }
                    for column in delta.indices { gradients[index].biases[column] += delta[column] }
                    if index > 0 {
                        var previous = [Double](repeating: 0, count: input.count)
                        for row in input.indices where input[row] > 0 {
                            var sum = 0.0
                            for column in delta.indices { sum += layers[index].weights[row][column] * delta[column] }
                            previous[row] = sum
                        }
                        delta = previous
                    }
                }
            }
            let scale = learningRate / Double(batch.count)
            for index in layers.indices {
                for row in layers[index].weights.indices {
                    for column in layers[index].weights[row].indices {
                        layers[index].weights[row][column] -= scale * gradients[index].weights[row][column]
                    }
                }
                for column in layers[index].biases.indices {
                    layers[index].biases[column] -= scale * gradients[index].biases[column]
                }
            }
        }

        /// Mean cross-entropy (nats) and accuracy (a fraction) over samples.
        func evaluate(_ samples: [Sample]) -> (loss: Double, accuracy: Double) {
            var loss = 0.0
            var correct = 0
            for sample in samples {
                let output = forward(sample.features)[layers.count]
                loss -= log(max(output[sample.label], 1e-12))
                if output.indices.max(by: { output[$0] < output[$1] }) == sample.label { correct += 1 }
            }
            return (loss / Double(samples.count), Double(correct) / Double(samples.count))
        }
    }

    /// Trains one network and reports each epoch's metrics as it goes.
    static func train(
        _ configuration: Configuration, train: [Sample], validation: [Sample], onEpoch: (EpochResult) -> Void
    ) {
        var generator = SeededGenerator(state: configuration.seed)
        var network = Network(hiddenUnits: configuration.hiddenUnits, generator: &generator)
        var order = train
        for epoch in 1...configuration.epochs {
            order.shuffle(using: &generator)
            var start = 0
            while start < order.count {
                let end = min(start + configuration.batchSize, order.count)
                network.step(order[start..<end], learningRate: configuration.learningRate)
                start = end
            }
            let trainMetrics = network.evaluate(train)
            let validationMetrics = network.evaluate(validation)
            onEpoch(
                EpochResult(
                    epoch: epoch, trainLoss: trainMetrics.loss, trainAccuracy: trainMetrics.accuracy,
                    validationLoss: validationMetrics.loss, validationAccuracy: validationMetrics.accuracy))
        }
    }
}
