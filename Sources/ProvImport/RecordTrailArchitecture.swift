public import ProvModel

extension RecordTrailImporter {
    /// The architecture a record trail's metadata describes, with the derived layer counts.
    public struct DerivedArchitecture: Hashable, Sendable {
        /// The layers in order, or `nil` when the metadata has no architecture or its lists contradict each other.
        public var layers: [ArchitectureLayer]?
        /// The number of convolutional layers, when the convolution lists agree.
        public var convLayerCount: Int?
        /// The number of dense layers (hidden layers and the output layer), when `FCFilters` is known.
        public var denseLayerCount: Int?
        /// Why parts were left out, for the ``ImportTags/warning`` tag; empty when nothing was.
        public var warnings: [String]
    }

    /// Derives the layer sequence from the metadata columns.
    ///
    /// The semantics of `layer_types` are **inferred** (reference/taxonomy.md, section 1); the authors do not
    /// document them. It holds one integer per convolutional layer, read as a bitmask:
    /// - bit value 2: the convolution is followed by a pooling layer, which takes the next entries of
    ///   `poolKernels`, `poolStrides` and `poolPaddings` in order (so the pool lists have one entry per layer with
    ///   bit 2 set);
    /// - bit value 4: the convolution (and its pooling layer, if any) is followed by a dropout layer of rate
    ///   `dropout_rate`, present only when `dropout_rate` > 0;
    /// - bit value 1: meaning unknown; not interpreted.
    ///
    /// The sequence is, for each convolutional layer `i`: `conv2d` (`kernel`, `stride`, `padding`, `filters` from
    /// the i-th entries of `convKernels`, `convStrides`, `convPaddings`, `convFilters`), then `pool` (`kernel`,
    /// `stride`, `padding`) if bit 2, then `dropout` (`rate`) if bit 4; then one `flatten`; then the dense stack:
    /// one `dense` layer (`units`) per `FCFilters` entry, the last being the output layer (its width is the number
    /// of classes). `FC_dropout_layers` holds one 0/1 flag per hidden dense layer (all but the last); a flag of 1
    /// puts a `dropout` layer of rate `FC_dropout_rate` after that dense layer, when that rate is > 0.
    ///
    /// The pooling kind (max/average) and the activation functions are not recorded in the files, so `pool` layers
    /// carry no `mode` and no layer carries an activation: absent, never guessed.
    ///
    /// When the lists contradict each other (list lengths that differ, a pool count that does not match the
    /// bitmask, a dropout flag without a rate), no layer sequence is returned and ``DerivedArchitecture/warnings``
    /// says why: the architecture is left out rather than guessed.
    public static func architecture(metadata: [String: String]) -> DerivedArchitecture {
        func list(_ column: String) -> [Int] {
            metadata[column].flatMap(TextScanning.integerList) ?? []
        }
        func rate(_ column: String) -> Double? {
            metadata[column].flatMap(TextScanning.number)
        }
        var warnings: [String] = []
        let layerTypes = list("layer_types")
        let dense = list("FCFilters")
        if layerTypes.isEmpty && list("convKernels").isEmpty && dense.isEmpty {
            return DerivedArchitecture(layers: nil, convLayerCount: nil, denseLayerCount: nil, warnings: [])
        }

        // The convolutional stack.
        var convLayers: [ArchitectureLayer]? = []
        var convCount: Int? = layerTypes.count
        let convColumns = ["convKernels", "convStrides", "convPaddings", "convFilters"]
        for column in convColumns where list(column).count != layerTypes.count {
            warnings.append(
                "\(column) has \(list(column).count) entries but layer_types has \(layerTypes.count): "
                    + "architecture not recorded")
            convLayers = nil
            convCount = nil
        }
        let poolColumns = ["poolKernels", "poolStrides", "poolPaddings"]
        let pooled = layerTypes.filter { $0 & 2 != 0 }.count
        if convLayers != nil {
            for column in poolColumns where list(column).count != pooled {
                warnings.append(
                    "\(column) has \(list(column).count) entries but \(pooled) layer_types entries have bit 2 "
                        + "(followed by pooling): architecture not recorded")
                convLayers = nil
            }
        }
        let dropoutRate = rate("dropout_rate")
        if convLayers != nil, dropoutRate == nil, layerTypes.contains(where: { $0 & 4 != 0 }) {
            warnings.append(
                "layer_types has bit 4 (followed by dropout) but dropout_rate is empty: architecture not recorded")
            convLayers = nil
        }
        if var layers = convLayers {
            let (kernels, strides, paddings, filters) =
                (list("convKernels"), list("convStrides"), list("convPaddings"), list("convFilters"))
            let (poolKernels, poolStrides, poolPaddings) = (
                list("poolKernels"), list("poolStrides"), list("poolPaddings")
            )
            var nextPool = 0
            for (index, code) in layerTypes.enumerated() {
                layers.append(
                    ArchitectureLayer(
                        type: "conv2d",
                        hyperparameters: [
                            "kernel": .number(Double(kernels[index])), "stride": .number(Double(strides[index])),
                            "padding": .number(Double(paddings[index])), "filters": .number(Double(filters[index])),
                        ]))
                if code & 2 != 0 {
                    layers.append(
                        ArchitectureLayer(
                            type: "pool",
                            hyperparameters: [
                                "kernel": .number(Double(poolKernels[nextPool])),
                                "stride": .number(Double(poolStrides[nextPool])),
                                "padding": .number(Double(poolPaddings[nextPool])),
                            ]))
                    nextPool += 1
                }
                if code & 4 != 0, let dropoutRate, dropoutRate > 0 {
                    layers.append(ArchitectureLayer(type: "dropout", hyperparameters: ["rate": .number(dropoutRate)]))
                }
            }
            convLayers = layers
        }

        // The dense stack.
        var denseLayers: [ArchitectureLayer]? = []
        let flags = list("FC_dropout_layers")
        let fcRate = rate("FC_dropout_rate")
        if dense.isEmpty {
            warnings.append("FCFilters is empty: architecture not recorded")
            denseLayers = nil
        } else if flags.count != dense.count - 1 {
            warnings.append(
                "FC_dropout_layers has \(flags.count) entries but FCFilters has \(dense.count - 1) hidden layers: "
                    + "architecture not recorded")
            denseLayers = nil
        } else if flags.contains(where: { $0 != 0 && $0 != 1 }) {
            warnings.append("FC_dropout_layers holds a value other than 0 or 1: architecture not recorded")
            denseLayers = nil
        } else if flags.contains(1), fcRate == nil {
            warnings.append("FC_dropout_layers has a 1 but FC_dropout_rate is empty: architecture not recorded")
            denseLayers = nil
        } else {
            var layers: [ArchitectureLayer] = []
            for (index, units) in dense.enumerated() {
                layers.append(ArchitectureLayer(type: "dense", hyperparameters: ["units": .number(Double(units))]))
                if index < flags.count, flags[index] == 1, let fcRate, fcRate > 0 {
                    layers.append(ArchitectureLayer(type: "dropout", hyperparameters: ["rate": .number(fcRate)]))
                }
            }
            denseLayers = layers
        }

        var layers: [ArchitectureLayer]?
        if let convLayers, let denseLayers {
            layers = convLayers + [ArchitectureLayer(type: "flatten")] + denseLayers
        }
        return DerivedArchitecture(
            layers: layers, convLayerCount: convCount, denseLayerCount: dense.isEmpty ? nil : dense.count,
            warnings: warnings)
    }
}
