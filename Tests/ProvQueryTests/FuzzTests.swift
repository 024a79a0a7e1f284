import Foundation
import ProvQuery
import ProvTesting
import Testing

/// Mutated MLflow search filters, order-by clauses and page tokens: parsed or refused with a
/// ``SearchSyntaxError``, never a trap.
@Suite("Fuzz: MLflow search grammar")
struct SearchGrammarFuzzTests {
    static let filters = [
        "metrics.acc > 0.9 AND params.lr = '0.01' AND tags.`mlflow.runName` LIKE 'net-%'",
        "attributes.status = \"FINISHED\" and run_name ILIKE '%a%' AND start_time >= 1714564800000",
        "attributes.run_id IN ('0190a3f2c4d07000800000000000f001', 'abc') AND metrics.`val loss` != -1e-3",
        "name LIKE 'sweep%' AND tags.team = 'vision' AND creation_time < 9223372036854775807",
        "params.batch_size >= 32 AND datasets.name = 'cifar' AND metrics.loss <= 1.5e10",
    ]

    @Test("filters in every dialect, and order-by clauses", .timeLimit(.minutes(10)))
    func filtersAndOrder() {
        let seeds = Self.filters + ["metrics.acc DESC", "params.lr", "start_time asc", "tags.`mlflow.runName`"]
        let outcome = MutationFuzzer(name: "search-grammar").run(seeds: seeds) { text in
            // Accepted when any dialect reads it as a filter or an order-by clause.
            var failure: (any Error)?
            var parsed = false
            for dialect in SearchDialect.allCases {
                do {
                    _ = try SearchGrammar.filter(text, dialect: dialect)
                    parsed = true
                } catch { failure = error }
                do {
                    _ = try SearchGrammar.orderBy([text], dialect: dialect)
                    parsed = true
                } catch { failure = error }
            }
            if !parsed, let failure { throw failure }
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }

    @Test("page tokens: mutated tokens and mutated JSON inside valid base64", .timeLimit(.minutes(10)))
    func pageTokens() {
        let tokens = [0, 1, 100, Int.max].map { SearchPageToken.encode(offset: $0) }
        let seeds = tokens + tokens.compactMap { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } }
        let outcome = MutationFuzzer(name: "page-token").run(seeds: seeds) { text in
            let wrapped = Data(text.utf8).base64EncodedString()
            _ = try? SearchPageToken.decode(wrapped)
            _ = try SearchPageToken.decode(text)
        }
        #expect(outcome.accepted > 0 && outcome.refused > 0, "\(outcome)")
    }
}
