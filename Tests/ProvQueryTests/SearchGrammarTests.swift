import ProvQuery
import ProvStore
import Testing

/// MLflow's search grammar (reference/mlflow-api.md §7): what it accepts, what it refuses, and the messages.
@Suite("Search grammar")
struct SearchGrammarTests {
    func parse(_ text: String, _ dialect: SearchDialect = .runs) throws -> [SearchClause] {
        try SearchGrammar.filter(text, dialect: dialect)
    }

    /// The message of the error a filter gets.
    func refusal(_ text: String, _ dialect: SearchDialect = .runs) -> String? {
        do {
            _ = try SearchGrammar.filter(text, dialect: dialect)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("an empty or blank filter is no filter")
    func empty() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("   ").isEmpty)
    }

    @Test("the conformance cases MLflow accepts")
    func accepted() throws {
        #expect(
            try parse("metrics.`my-metric` >= 1e-3") == [
                SearchClause(.metric("my-metric"), .greaterOrEqual, .number(0.001))
            ])
        #expect(
            try parse("tags.\"mlflow.runName\" LIKE 'par%'") == [
                SearchClause(.tag("mlflow.runName"), .like, .string("par%"))
            ])
        #expect(try parse("params.lr = \"0.01\"") == [SearchClause(.parameter("lr"), .equal, .string("0.01"))])
        #expect(
            try parse("attr.status != 'FAILED' and created > 1700000000000")
                == [
                    SearchClause(.attribute(.status), .notEqual, .string("FAILED")),
                    SearchClause(.attribute(.startTime), .greater, .number(1_700_000_000_000)),
                ])
        #expect(
            try parse("datasets.context = 'training'") == [
                SearchClause(.dataset(.context), .equal, .string("training"))
            ])
        #expect(
            try parse("tags.`mlflow.user` IS NOT NULL and params.lr IS NULL")
                == [
                    SearchClause(.tag("mlflow.user"), .isNotNull, .none),
                    SearchClause(.parameter("lr"), .isNull, .none),
                ])
    }

    @Test("entity prefixes, aliases and keys")
    func identifiers() throws {
        #expect(try parse("metric.acc > 1")[0].key == .metric("acc"))
        #expect(try parse("parameters.lr = 'x'")[0].key == .parameter("lr"))
        #expect(try parse("param.lr = 'x'")[0].key == .parameter("lr"))
        #expect(try parse("tag.t = 'x'")[0].key == .tag("t"))
        #expect(try parse("tags.mlflow.runName = 'x'")[0].key == .tag("mlflow.runName"))
        #expect(try parse("run_name = 'x'")[0].key == .attribute(.name))
        #expect(try parse("attributes.`Run name` = 'x'")[0].key == .attribute(.name))
        #expect(try parse("run.user_id = 'ada'")[0].key == .attribute(.user))
        #expect(try parse("attribute.artifact_uri LIKE 'mlflow-artifacts:%'")[0].key == .attribute(.artifactURI))
        #expect(try parse("end_time <= 5")[0] == SearchClause(.attribute(.endTime), .lessOrEqual, .number(5)))
        #expect(try parse("dataset.digest = 'a1'")[0].key == .dataset(.digest))
        #expect(try parse("metrics.\"loss with space\" < 0.5")[0].key == .metric("loss with space"))
    }

    @Test("comparators, keywords in any case, and lists")
    func comparators() throws {
        #expect(try parse("metrics.a <> 1")[0].comparator == .notEqual)
        #expect(try parse("metrics.a < -2.5")[0] == SearchClause(.metric("a"), .less, .number(-2.5)))
        #expect(try parse("params.p ilike '%X%'")[0].comparator == .ilike)
        #expect(try parse("params.p like 'x'  AND  tags.t = 'y'").count == 2)
        #expect(
            try parse("attributes.run_id IN ('a', 'b')")
                == [SearchClause(.attribute(.id), .in, .list(["a", "b"]))])
        #expect(try parse("run_id not in ('a')")[0] == SearchClause(.attribute(.id), .notIn, .list(["a"])))
        #expect(try parse("datasets.name IN ('x','y')")[0] == SearchClause(.dataset(.name), .in, .list(["x", "y"])))
        #expect(try parse("params.p = 'it''s'")[0].value == .string("it's"))
    }

    @Test("the conformance cases MLflow refuses, with its messages")
    func refused() {
        #expect(refusal("metrics.a > 1 OR metrics.b > 1") == "Invalid clause(s) in filter string: 'OR'")
        #expect(refusal("(metrics.acc > 1)") == "Invalid clause(s) in filter string: '('")
        #expect(refusal("metrics.acc = 'x'") == "Expected numeric value type for metric. Found 'x'")
        #expect(
            refusal("params.lr = 0.01")
                == "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 0.01")
        #expect(
            refusal("attributes.run_name IN ('a')")
                == "Only ['run_id'] attributes support comparison with a list of quoted string values.")
        #expect(refusal("tags.t IN ('a','b')")?.hasPrefix("Invalid comparator 'IN'") == true)
        #expect(refusal("metrics.acc >>> 1")?.hasPrefix("Invalid comparator '>>>' not one of '{") == true)
        #expect(
            refusal("created > 'yesterday'")
                == "Expected numeric value type for numeric attribute: created. Found 'yesterday'")
        #expect(refusal("status = FINISHED") == "Expected a quoted string value for attributes. Got value FINISHED")
        #expect(refusal("bogus.key = 'x'")?.hasPrefix("Invalid entity type 'bogus'") == true)
        #expect(refusal("attributes.color = 'x'")?.hasPrefix("Invalid attribute key 'color' specified.") == true)
        #expect(refusal("datasets.size = 'x'")?.hasPrefix("Invalid dataset key 'size'") == true)
        #expect(refusal("status IS NULL")?.contains("IS NULL / IS NOT NULL is only supported") == true)
        #expect(refusal("metrics.a > 1 AND") != nil)
        #expect(refusal("metrics.a") != nil)
        #expect(refusal("params.p = 'unclosed")?.contains("never closed") == true)
        #expect(refusal("metrics.my-metric > 1")?.contains("quote keys") == true)
        #expect(refusal("run_id IN 'a'") != nil)
        #expect(refusal("run_id IN ('a' 'b')") != nil)
        #expect(refusal("run_id IN ('a', 1)")?.contains("different type in list") == true)
    }

    @Test("experiment searches know experiment attributes and tags only")
    func experiments() throws {
        #expect(
            try parse("name LIKE 'exp%'", .experiments)[0] == SearchClause(.attribute(.name), .like, .string("exp%")))
        #expect(try parse("experiment_id IN ('1', '2')", .experiments)[0].value == .list(["1", "2"]))
        #expect(try parse("creation_time > 5 and tags.team = 'x'", .experiments).count == 2)
        #expect(refusal("metrics.a > 1", .experiments)?.hasPrefix("Invalid entity type 'metrics'") == true)
        #expect(refusal("run_name = 'x'", .experiments)?.hasPrefix("Invalid attribute key 'run_name'") == true)
    }

    @Test("logged-model searches know model attributes, metrics, params and tags")
    func loggedModels() throws {
        #expect(
            try parse("name = 'model'", .loggedModels)[0] == SearchClause(.attribute(.name), .equal, .string("model")))
        #expect(try parse("source_run_id = 'abc'", .loggedModels)[0].key == .attribute(.sourceRun))
        #expect(try parse("creation_timestamp > 1", .loggedModels)[0].key == .attribute(.creationTime))
        #expect(try parse("metrics.acc > 0.5 AND params.C = '1'", .loggedModels).count == 2)
        #expect(refusal("params.C IS NULL", .loggedModels) != nil)
        #expect(refusal("datasets.name = 'x'", .loggedModels) != nil)
    }

    @Test("order by: keys, directions, and refusals")
    func orderBy() throws {
        #expect(
            try SearchGrammar.orderBy(["metrics.acc DESC", "params.lr", "start_time asc"], dialect: .runs)
                == [
                    SearchOrder(.metric("acc"), ascending: false), SearchOrder(.parameter("lr"), ascending: true),
                    SearchOrder(.attribute(.startTime), ascending: true),
                ])
        #expect(
            try SearchGrammar.orderBy(["tags.`mlflow.runName`"], dialect: .runs) == [
                SearchOrder(.tag("mlflow.runName"))
            ])
        #expect(try SearchGrammar.orderBy(["creation_time DESC"], dialect: .experiments)[0].ascending == false)
        func orderRefusal(_ items: [String], _ dialect: SearchDialect = .runs) -> String? {
            do {
                _ = try SearchGrammar.orderBy(items, dialect: dialect)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(
            orderRefusal(["metrics.acc DESC, params.lr"])
                == "Invalid order_by clause 'metrics.acc DESC, params.lr'. Could not be parsed.")
        #expect(orderRefusal(["metrics.acc", "metrics.acc DESC"])?.contains("duplicate") == true)
        #expect(
            orderRefusal(["metrics.acc sideways"]) == "Invalid ordering key in order_by clause 'metrics.acc sideways'.")
        #expect(orderRefusal(["datasets.name"]) != nil)
        #expect(orderRefusal([""]) != nil)
    }

    @Test("page tokens are MLflow's base64 offsets")
    func pageTokens() throws {
        #expect(SearchPageToken.encode(offset: 2) == "eyJvZmZzZXQiOiAyfQ==")
        #expect(try SearchPageToken.decode("eyJvZmZzZXQiOiAyfQ==") == 2)
        #expect(try SearchPageToken.decode(nil) == 0)
        #expect(try SearchPageToken.decode("") == 0)
        #expect(throws: SearchSyntaxError.self) { try SearchPageToken.decode("%%%") }
        #expect(throws: SearchSyntaxError.self) { try SearchPageToken.decode("eyJ4IjogMX0=") }  // {"x": 1}
    }
}
