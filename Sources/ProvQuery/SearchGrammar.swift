import Foundation
public import ProvStore

/// A filter or order-by string that the search grammar does not accept. The message says what is wrong, in the
/// words MLflow uses, so that a tracking client shows the same error it would show against an MLflow server.
public struct SearchSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What a search looks at, which decides the keys and comparators its grammar allows. A closed set.
public enum SearchDialect: Hashable, Sendable, CaseIterable {
    /// MLflow `runs/search`: attributes, metrics, parameters, tags and datasets.
    case runs
    /// MLflow `experiments/search`: attributes and tags.
    case experiments
    /// MLflow `logged-models/search`: attributes, metrics, parameters and tags.
    case loggedModels
}

/// MLflow's search grammar (the `filter` and `order_by` of the search endpoints), parsed into ``SearchClause`` and
/// ``SearchOrder`` values that a store executes.
///
/// ```
/// filter  := clause ( AND clause )*
/// clause  := ident comparator value | ident IS [NOT] NULL | ident [NOT] IN ( 'a', 'b', ... )
/// ident   := [entity "."] key          entity: metric(s) param(s) parameter(s) tag(s) attribute(s) attr run dataset(s)
/// key     := word | `back-ticked` | "double-quoted"
/// value   := number | 'string' | "string"
/// order   := ident [ASC | DESC]
/// ```
/// Keywords are case-insensitive. `OR` and parentheses are refused, as MLflow refuses them.
public enum SearchGrammar {
    /// Parses a filter string; an empty or blank string is no filter.
    /// - Throws: ``SearchSyntaxError`` saying what is wrong.
    public static func filter(_ text: String, dialect: SearchDialect) throws(SearchSyntaxError) -> [SearchClause] {
        let tokens = try Lexer.tokens(text)
        guard !tokens.isEmpty else { return [] }
        var parser = Parser(tokens: tokens, dialect: dialect, text: text)
        return try parser.filter()
    }

    /// Parses order-by items, each `ident [ASC|DESC]`.
    /// - Throws: ``SearchSyntaxError`` for an item that does not parse, a key the dialect cannot order by, or a key
    ///   given twice.
    public static func orderBy(_ items: [String], dialect: SearchDialect) throws(SearchSyntaxError) -> [SearchOrder] {
        var orders: [SearchOrder] = []
        var seen: Set<SearchKey> = []
        for item in items {
            let tokens = try Lexer.tokens(item)
            var parser = Parser(tokens: tokens, dialect: dialect, text: item)
            let order = try parser.orderItem()
            guard seen.insert(order.key).inserted else {
                throw SearchSyntaxError("`order_by` contains duplicate fields: '\(item)'")
            }
            orders.append(order)
        }
        return orders
    }
}

/// One lexical token of the grammar.
enum SearchToken: Hashable {
    /// A bare word: a keyword, an identifier or a dotted identifier such as `metrics.acc`.
    case word(String)
    /// `'text'`.
    case singleQuoted(String)
    /// `"text"`: a string value or a key.
    case doubleQuoted(String)
    /// `` `text` ``: a key.
    case backticked(String)
    /// A number, as written.
    case number(String)
    /// A run of comparison characters (`=`, `!=`, `>=`, ...), as written.
    case symbol(String)
    case openParenthesis
    case closeParenthesis
    case comma

    /// The token as it appeared, for error messages.
    var text: String {
        switch self {
        case .word(let word): word
        case .singleQuoted(let text): "'\(text)'"
        case .doubleQuoted(let text): "\"\(text)\""
        case .backticked(let text): "`\(text)`"
        case .number(let text): text
        case .symbol(let symbol): symbol
        case .openParenthesis: "("
        case .closeParenthesis: ")"
        case .comma: ","
        }
    }

    /// Whether this is the keyword `keyword` (case-insensitive).
    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word) = self { return word.uppercased() == keyword }
        return false
    }
}

enum Lexer {
    static func tokens(_ text: String) throws(SearchSyntaxError) -> [SearchToken] {
        var tokens: [SearchToken] = []
        let characters = Array(text)
        var index = 0
        func isWordCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || character == "_" || character == "."
        }
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
                continue
            }
            switch character {
            case "'", "\"", "`":
                var content = ""
                var position = index + 1
                var closed = false
                while position < characters.count {
                    if characters[position] == character {
                        // A doubled quote inside a quoted text stands for the quote itself.
                        if position + 1 < characters.count, characters[position + 1] == character {
                            content.append(character)
                            position += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    content.append(characters[position])
                    position += 1
                }
                guard closed else {
                    throw SearchSyntaxError(
                        "Invalid filter '\(text)'. Could not be parsed: the quote \(character) at position \(index + 1) is never closed."
                    )
                }
                switch character {
                case "'": tokens.append(.singleQuoted(content))
                case "\"": tokens.append(.doubleQuoted(content))
                default: tokens.append(.backticked(content))
                }
                index = position + 1
            case "(":
                tokens.append(.openParenthesis)
                index += 1
            case ")":
                tokens.append(.closeParenthesis)
                index += 1
            case ",":
                tokens.append(.comma)
                index += 1
            case "=", "!", "<", ">":
                var symbol = ""
                while index < characters.count, "=!<>".contains(characters[index]) {
                    symbol.append(characters[index])
                    index += 1
                }
                tokens.append(.symbol(symbol))
            default:
                if character.isNumber
                    || ((character == "-" || character == "+" || character == ".")
                        && index + 1 < characters.count
                        && (characters[index + 1].isNumber || characters[index + 1] == "."))
                {
                    if let (number, end) = scanNumber(characters, from: index) {
                        tokens.append(.number(number))
                        index = end
                        continue
                    }
                }
                guard isWordCharacter(character) else {
                    throw SearchSyntaxError(
                        "Invalid filter '\(text)'. Could not be parsed: unexpected '\(character)' at position \(index + 1); quote keys that contain it, as in metrics.`my-metric`."
                    )
                }
                var word = ""
                while index < characters.count, isWordCharacter(characters[index]) {
                    word.append(characters[index])
                    index += 1
                }
                tokens.append(.word(word))
            }
        }
        return tokens
    }

    /// Scans `[+-]digits[.digits][e[+-]digits]`; `nil` when no number starts here or letters follow it.
    static func scanNumber(_ characters: [Character], from start: Int) -> (String, Int)? {
        var index = start
        var text = ""
        if characters[index] == "-" || characters[index] == "+" {
            text.append(characters[index])
            index += 1
        }
        var digits = 0
        while index < characters.count, characters[index].isASCII, characters[index].isNumber {
            text.append(characters[index])
            index += 1
            digits += 1
        }
        if index < characters.count, characters[index] == "." {
            text.append(".")
            index += 1
            while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                text.append(characters[index])
                index += 1
                digits += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            var exponent = "e"
            var position = index + 1
            if position < characters.count, characters[position] == "-" || characters[position] == "+" {
                exponent.append(characters[position])
                position += 1
            }
            var exponentDigits = 0
            while position < characters.count, characters[position].isASCII, characters[position].isNumber {
                exponent.append(characters[position])
                position += 1
                exponentDigits += 1
            }
            if exponentDigits > 0 {
                text += exponent
                index = position
            }
        }
        // `1abc` is not a number followed by a word.
        if index < characters.count, characters[index].isLetter || characters[index] == "_" { return nil }
        return (text, index)
    }
}

/// The kinds of identifier the grammar knows.
enum IdentifierKind: Hashable {
    case metric, parameter, tag, attribute, dataset

    /// MLflow's name for the kind, as its error messages use it.
    var name: String {
        switch self {
        case .metric: "metric"
        case .parameter: "parameter"
        case .tag: "tag"
        case .attribute: "attribute"
        case .dataset: "dataset"
        }
    }

    static func from(prefix: String) -> IdentifierKind? {
        switch prefix.lowercased() {
        case "metric", "metrics": .metric
        case "param", "params", "parameter", "parameters": .parameter
        case "tag", "tags": .tag
        case "attribute", "attributes", "attr", "run": .attribute
        case "dataset", "datasets": .dataset
        default: nil
        }
    }
}

struct Parser {
    let tokens: [SearchToken]
    let dialect: SearchDialect
    let text: String
    var position = 0
    /// The key of the identifier read last, as written (for error messages).
    var keyName = ""

    init(tokens: [SearchToken], dialect: SearchDialect, text: String) {
        self.tokens = tokens
        self.dialect = dialect
        self.text = text
    }

    var current: SearchToken? { position < tokens.count ? tokens[position] : nil }

    mutating func next() -> SearchToken? {
        defer { position += 1 }
        return current
    }

    // MARK: Filter

    mutating func filter() throws(SearchSyntaxError) -> [SearchClause] {
        var clauses: [SearchClause] = []
        while true {
            clauses.append(try clause())
            guard let token = current else { break }
            guard token.isKeyword("AND") else {
                throw SearchSyntaxError("Invalid clause(s) in filter string: '\(token.text)'")
            }
            position += 1
            guard current != nil else {
                throw SearchSyntaxError("Invalid filter '\(text)'. Could not be parsed: nothing follows the last AND.")
            }
        }
        return clauses
    }

    mutating func clause() throws(SearchSyntaxError) -> SearchClause {
        guard let first = current else {
            throw SearchSyntaxError("Invalid filter '\(text)'. Could not be parsed.")
        }
        if first == .openParenthesis || first.isKeyword("OR") || first.isKeyword("AND") || first.isKeyword("NOT") {
            throw SearchSyntaxError("Invalid clause(s) in filter string: '\(first.text)'")
        }
        let (kind, key, rawKey) = try identifier()
        guard let comparatorToken = next() else {
            throw SearchSyntaxError(
                "Invalid comparison clause. Expected 3 tokens found 1 in '\(text)': '\(rawKey)' needs a comparison and a value."
            )
        }
        let comparator: SearchComparator
        switch comparatorToken {
        case .symbol(let symbol):
            guard let parsed = SearchComparator(rawValue: symbol == "<>" ? "!=" : symbol), parsed.isSymbolic else {
                throw invalidComparator(symbol, kind: kind, key: key)
            }
            comparator = parsed
        case .word(let word):
            switch word.uppercased() {
            case "LIKE": comparator = .like
            case "ILIKE": comparator = .ilike
            case "IN": comparator = .in
            case "IS":
                if current?.isKeyword("NOT") == true {
                    position += 1
                    comparator = .isNotNull
                } else {
                    comparator = .isNull
                }
                guard next()?.isKeyword("NULL") == true else {
                    throw SearchSyntaxError(
                        "Invalid comparison clause in '\(text)': IS must be followed by NULL or NOT NULL.")
                }
            case "NOT":
                guard next()?.isKeyword("IN") == true else {
                    throw SearchSyntaxError("Invalid comparison clause in '\(text)': NOT must be followed by IN.")
                }
                comparator = .notIn
            default:
                throw invalidComparator(word, kind: kind, key: key)
            }
        default:
            throw SearchSyntaxError(
                "Invalid comparison clause. Expected comparison found '\(comparatorToken.text)' after '\(rawKey)'.")
        }
        try check(comparator, kind: kind, key: key)
        let value: SearchValue
        switch comparator {
        case .isNull, .isNotNull: value = .none
        case .in, .notIn: value = try list(kind: kind, key: key)
        default: value = try scalar(kind: kind, key: key)
        }
        return SearchClause(key, comparator, value)
    }

    /// Reads an identifier; returns its kind, the key it names, and the identifier as written.
    mutating func identifier() throws(SearchSyntaxError) -> (IdentifierKind, SearchKey, String) {
        guard let token = next() else { throw SearchSyntaxError("Invalid filter '\(text)'. Could not be parsed.") }
        var prefix: String? = nil
        var name: String
        switch token {
        case .word(let word):
            if word.hasSuffix("."), let quoted = current, quoted.isQuotedKey {
                // `metrics."my key"`, ``tags.`mlflow.runName` ``.
                prefix = String(word.dropLast())
                name = quoted.quotedContent
                position += 1
            } else if let dot = word.firstIndex(of: ".") {
                prefix = String(word[..<dot])
                name = String(word[word.index(after: dot)...])
            } else {
                name = word
            }
        case .backticked(let content), .doubleQuoted(let content):
            name = content
        default:
            throw SearchSyntaxError(
                "Invalid comparison clause. Expected 'Identifier' found '\(token.text)' in '\(text)'.")
        }
        let written = (prefix.map { $0 + "." } ?? "") + name
        keyName = name
        let kind: IdentifierKind
        if let prefix {
            guard let parsed = IdentifierKind.from(prefix: prefix), allowedKinds.contains(parsed) else {
                let valid = allowedPrefixes.map { "'\($0)'" }.joined(separator: ", ")
                throw SearchSyntaxError("Invalid entity type '\(prefix)'. Valid values are [\(valid)]")
            }
            kind = parsed
        } else {
            kind = .attribute
        }
        guard !name.isEmpty else {
            throw SearchSyntaxError("Invalid identifier '\(written)': the key after the '.' is missing.")
        }
        let key: SearchKey
        switch kind {
        case .metric: key = .metric(name)
        case .parameter: key = .parameter(name)
        case .tag: key = .tag(name)
        case .attribute:
            guard let attribute = attributes[name] else {
                throw SearchSyntaxError(
                    "Invalid attribute key '\(name)' specified. Valid keys are '\(attributeNames)'")
            }
            key = .attribute(attribute)
        case .dataset:
            guard let field = SearchDatasetField(rawValue: name) else {
                throw SearchSyntaxError(
                    "Invalid dataset key '\(name)' specified. Valid keys are '['context', 'digest', 'name']'")
            }
            key = .dataset(field)
        }
        return (kind, key, written)
    }

    var allowedKinds: Set<IdentifierKind> {
        switch dialect {
        case .runs: [.metric, .parameter, .tag, .attribute, .dataset]
        case .experiments: [.tag, .attribute]
        case .loggedModels: [.metric, .parameter, .tag, .attribute]
        }
    }

    var allowedPrefixes: [String] {
        switch dialect {
        case .runs: ["metric", "parameter", "tag", "attribute", "dataset"]
        case .experiments: ["tag", "attribute"]
        case .loggedModels: ["metric", "parameter", "tag", "attribute"]
        }
    }

    /// The attribute names of the dialect, with MLflow's aliases.
    var attributes: [String: SearchAttribute] {
        switch dialect {
        case .runs:
            [
                "run_id": .id, "run_name": .name, "run name": .name, "Run name": .name, "Run Name": .name,
                "status": .status, "user_id": .user, "artifact_uri": .artifactURI, "start_time": .startTime,
                "created": .startTime, "Created": .startTime, "end_time": .endTime,
            ]
        case .experiments:
            [
                "experiment_id": .id, "name": .name, "creation_time": .creationTime,
                "last_update_time": .lastUpdateTime,
            ]
        case .loggedModels:
            [
                "model_id": .id, "name": .name, "status": .status, "model_type": .modelType,
                "source_run_id": .sourceRun, "creation_timestamp": .creationTime, "creation_time": .creationTime,
                "last_updated_timestamp": .lastUpdateTime, "last_updated_time": .lastUpdateTime,
            ]
        }
    }

    var attributeNames: String {
        "[" + attributes.keys.sorted().map { "'\($0)'" }.joined(separator: ", ") + "]"
    }

    /// The attributes whose values may be compared with a list (`IN`, `NOT IN`).
    var listAttributes: Set<SearchAttribute> {
        switch dialect {
        case .runs: [.id]
        case .experiments: [.id]
        case .loggedModels: [.id]
        }
    }

    func comparators(kind: IdentifierKind, key: SearchKey) -> [SearchComparator] {
        switch kind {
        case .metric: return [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        case .parameter, .tag:
            if dialect == .loggedModels { return [.equal, .notEqual, .like, .ilike] }
            return [.equal, .notEqual, .like, .ilike, .isNull, .isNotNull]
        case .dataset: return [.equal, .notEqual, .like, .ilike, .in, .notIn]
        case .attribute:
            if case .attribute(let attribute) = key, attribute.isNumeric {
                return [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
            }
            return [.equal, .notEqual, .like, .ilike, .in, .notIn]
        }
    }

    func invalidComparator(_ written: String, kind: IdentifierKind, key: SearchKey) -> SearchSyntaxError {
        let valid = comparators(kind: kind, key: key).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return SearchSyntaxError("Invalid comparator '\(written)' not one of '{\(valid)}'")
    }

    func check(_ comparator: SearchComparator, kind: IdentifierKind, key: SearchKey) throws(SearchSyntaxError) {
        guard comparators(kind: kind, key: key).contains(comparator) else {
            if (comparator == .isNull || comparator == .isNotNull) && kind == .attribute {
                throw SearchSyntaxError(
                    "IS NULL / IS NOT NULL is only supported for tags and parameters, not for attributes")
            }
            throw invalidComparator(comparator.rawValue, kind: kind, key: key)
        }
        if comparator == .in || comparator == .notIn, kind == .attribute, case .attribute(let attribute) = key,
            !listAttributes.contains(attribute)
        {
            let names = attributes.filter { listAttributes.contains($0.value) }.keys.sorted().map { "'\($0)'" }
            throw SearchSyntaxError(
                "Only [\(names.joined(separator: ", "))] attributes support comparison with a list of quoted string values."
            )
        }
    }

    mutating func scalar(kind: IdentifierKind, key: SearchKey) throws(SearchSyntaxError) -> SearchValue {
        guard let token = next() else {
            throw SearchSyntaxError("Invalid comparison clause. Expected value token found nothing in '\(text)'.")
        }
        let isNumericAttribute = if case .attribute(let attribute) = key { attribute.isNumeric } else { false }
        switch kind {
        case .metric:
            guard case .number(let number) = token, let value = Double(number) else {
                throw SearchSyntaxError("Expected numeric value type for metric. Found \(token.text)")
            }
            return .number(value)
        case .attribute where isNumericAttribute:
            guard case .number(let number) = token, let value = Double(number) else {
                throw SearchSyntaxError(
                    "Expected numeric value type for numeric attribute: \(keyName). Found \(token.text)")
            }
            return .number(value)
        default:
            switch token {
            case .singleQuoted(let value), .doubleQuoted(let value): return .string(value)
            default:
                let what =
                    switch kind {
                    case .attribute: "attributes"
                    case .dataset: "dataset attributes"
                    default: "\(kind.name) (e.g. 'my-value')"
                    }
                throw SearchSyntaxError("Expected a quoted string value for \(what). Got value \(token.text)")
            }
        }
    }

    mutating func list(kind: IdentifierKind, key: SearchKey) throws(SearchSyntaxError) -> SearchValue {
        guard next() == .openParenthesis else {
            throw SearchSyntaxError(
                "While parsing a list in the query, expected a non-empty list of string values, but got a value that is not a list in '\(text)'."
            )
        }
        var values: [String] = []
        while true {
            switch next() {
            case .singleQuoted(let value)?, .doubleQuoted(let value)?: values.append(value)
            case let other?:
                throw SearchSyntaxError(
                    "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: \(other.text)"
                )
            case nil:
                throw SearchSyntaxError("Invalid filter '\(text)'. Could not be parsed: the list is not closed.")
            }
            switch next() {
            case .comma?: continue
            case .closeParenthesis?: return .list(values)
            default:
                throw SearchSyntaxError(
                    "Invalid filter '\(text)'. Could not be parsed: expected ',' or ')' in the list.")
            }
        }
    }

    // MARK: Order by

    mutating func orderItem() throws(SearchSyntaxError) -> SearchOrder {
        guard !tokens.isEmpty, !tokens.contains(.comma) else {
            throw SearchSyntaxError("Invalid order_by clause '\(text)'. Could not be parsed.")
        }
        let (kind, key, _) = try identifier()
        if kind == .dataset {
            throw SearchSyntaxError("Invalid order_by entity type 'dataset'")
        }
        var ascending = true
        if let token = next() {
            if token.isKeyword("ASC") {
                ascending = true
            } else if token.isKeyword("DESC") {
                ascending = false
            } else {
                throw SearchSyntaxError("Invalid ordering key in order_by clause '\(text)'.")
            }
        }
        guard current == nil else {
            throw SearchSyntaxError("Invalid order_by clause '\(text)'. Could not be parsed.")
        }
        return SearchOrder(key, ascending: ascending)
    }
}

extension SearchToken {
    var isQuotedKey: Bool {
        switch self {
        case .backticked, .doubleQuoted, .singleQuoted: true
        default: false
        }
    }

    var quotedContent: String {
        switch self {
        case .backticked(let text), .doubleQuoted(let text), .singleQuoted(let text): text
        default: self.text
        }
    }
}

extension SearchComparator {
    /// Whether the comparator is written with symbols (`=`, `!=`, `<`, ...).
    var isSymbolic: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}

/// MLflow's page tokens: base64 of `{"offset": N}`, opaque to clients.
public enum SearchPageToken {
    /// The token for the page that starts after `offset` results.
    public static func encode(offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }

    /// The offset a token stands for; an empty or absent token is offset 0.
    /// - Throws: ``SearchSyntaxError`` when the token is not one this grammar made.
    public static func decode(_ token: String?) throws(SearchSyntaxError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token) else {
            throw SearchSyntaxError("Invalid page token, could not base64-decode")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let offset = object["offset"] as? Int, offset >= 0
        else {
            throw SearchSyntaxError("Invalid page token, decoded value=\(String(decoding: data, as: UTF8.self))")
        }
        return offset
    }
}
