public import ProvModel

/// What a model file or folder says about the network: its format, its layers in order with their taxonomy layer
/// types and hyperparameters, its tensors and parameter counts.
///
/// Fields a format does not carry are `nil` (absent), never 0.
public struct ModelInspection: Codable, Hashable, Sendable {
    /// The formats that can be inspected. A closed set.
    public enum Format: String, Codable, Hashable, Sendable, CaseIterable {
        case onnx
        case safetensors
        /// A Hugging Face `config.json` (with `modules.json` and pooling configs of sentence-transformer folders).
        case huggingFace = "huggingface"
        /// A Keras model JSON (`model.to_json()`).
        case keras
    }

    /// The formats that contributed, in the order they were read (a Hugging Face folder: `huggingface`,
    /// `safetensors`).
    public var formats: [Format]
    /// The path that was inspected.
    public var path: String
    /// The architecture class or family (`BertModel`, `Sequential`, the ONNX graph's name).
    public var architecture: String?
    /// The model type (`bert`), the ONNX producer, or the Keras backend.
    public var modelType: String?
    /// The number of layers or blocks the format states (`num_hidden_layers`), or the number of taxonomy-typed
    /// layers found.
    public var layerCount: Int?
    /// The layers (ONNX nodes, Keras layers, safetensors tensor groups, or the blocks a config describes) in order.
    public var layers: [Layer]
    /// How many layers of each taxonomy layer type there are.
    public var layerTypeCounts: [String: Int]
    /// Repeated blocks (`encoder.layer.N`): their common prefix, how many, and their parameters each.
    public var blocks: [Block]
    /// Tensors (safetensors tensors or ONNX initializers) in file order.
    public var tensors: [Tensor]
    /// The number of parameters: the elements of all weight tensors.
    public var parameterCount: Int64?
    /// Named facts of the format (`hidden_size`, `num_attention_heads`, `vocab_size`, `opset`, ...).
    public var details: [String: JSONValue]
    /// Sentence-transformer modules, when the folder is one.
    public var sentenceTransformer: SentenceTransformer?

    /// One layer.
    public struct Layer: Codable, Hashable, Sendable {
        /// The node's, layer's or tensor group's name.
        public var name: String
        /// The operator or class as the format names it (`Conv`, `Conv2D`, `attention`).
        public var op: String
        /// The taxonomy layer type (`conv2d`, `pool`, `dense`, ...), when the operator maps to one.
        public var layerType: String?
        /// Hyperparameters in taxonomy names (`kernel`, `stride`, `padding`, `dilation`, `groups`, `filters`,
        /// `units`, `activation`, `rate`, ...).
        public var hyperparameters: [String: JSONValue]
        /// Parameters the layer owns (elements of its weight tensors), when known.
        public var parameterCount: Int64?
        /// The format's own attributes, under its own names (ONNX `kernel_shape`, `strides`, `pads`, `dilations`,
        /// `group`, ...), when the format has any.
        public var attributes: [String: JSONValue]?
        /// The shapes of the weight tensors the layer uses (ONNX initializers), in input order.
        public var weightShapes: [[Int64]]?

        public init(
            name: String, op: String, layerType: String?, hyperparameters: [String: JSONValue] = [:],
            parameterCount: Int64? = nil, attributes: [String: JSONValue]? = nil, weightShapes: [[Int64]]? = nil
        ) {
            self.name = name
            self.op = op
            self.layerType = layerType
            self.hyperparameters = hyperparameters
            self.parameterCount = parameterCount
            self.attributes = attributes
            self.weightShapes = weightShapes
        }
    }

    /// A block repeated along the depth of the network.
    public struct Block: Codable, Hashable, Sendable {
        /// The common prefix, with `N` for the index: `encoder.layer.N`.
        public var pattern: String
        /// How many blocks there are.
        public var count: Int
        /// The parameters of all blocks together.
        public var parameterCount: Int64
        /// The tensors of one block (names relative to the block).
        public var tensorsPerBlock: Int
    }

    /// One tensor.
    public struct Tensor: Codable, Hashable, Sendable {
        public var name: String
        /// The element type as the format names it (`F32`, `FLOAT`, `BF16`).
        public var dtype: String
        public var shape: [Int64]
        /// The number of elements (the product of the shape).
        public var elementCount: Int64
    }

    /// The sentence-transformer pipeline of a folder with `modules.json`.
    public struct SentenceTransformer: Codable, Hashable, Sendable {
        /// Module classes in order (`sentence_transformers.models.Transformer`, `...Pooling`, `...Normalize`).
        public var modules: [String]
        /// The pooling modes switched on (`mean_tokens`, `cls_token`, ...).
        public var pooling: [String]
        /// The embedding dimension the pooling module states.
        public var embeddingDimension: Int?
        /// Whether embeddings are normalized (a `Normalize` module).
        public var normalize: Bool
        /// The longest input in tokens (`sentence_bert_config.json`).
        public var maxSequenceLength: Int?
    }

    /// An empty inspection of `path`, to fill in.
    public init(path: String, formats: [Format]) {
        self.formats = formats
        self.path = path
        self.layers = []
        self.layerTypeCounts = [:]
        self.blocks = []
        self.tensors = []
        self.details = [:]
    }

    /// Recounts ``layerTypeCounts`` from ``layers``.
    mutating func countLayerTypes() {
        var counts: [String: Int] = [:]
        for layer in layers {
            if let type = layer.layerType { counts[type, default: 0] += 1 }
        }
        layerTypeCounts = counts
    }
}
