import ProvModel
import ProvStore
import Testing

@testable import ProvServer

/// What the MLflow mapping makes of values a store may already hold (written by an older version, before the ingest
/// rules refused them): it answers, clamping what does not fit, and never traps.
@Suite("MLflow mapping of held values")
struct MLflowStoredValueTests {
    let model = EntityRecord(id: ProvID(high: 1, low: 2), kind: .model, name: "m")
    let run = ProvID(high: 3, low: 4)

    func trackedRun(outputStep: JSONValue?, times: (Int64, Int64?) = (0, nil)) -> TrackedRun {
        var attributes: [String: JSONValue] = [:]
        attributes["step"] = outputStep
        return TrackedRun(
            id: run, experimentID: ProvID(high: 5, low: 6), experimentNumber: 1,
            experimentArtifactLocation: "mlflow-artifacts:/1", name: "r", user: nil, status: .finished,
            startedAt: ProvTime(microsecondsSinceEpoch: times.0),
            endedAt: times.1.map { ProvTime(microsecondsSinceEpoch: $0) }, lifecycle: .active,
            metrics: [
                TrackedMetric(key: "loss", value: .nan, step: .min, time: ProvTime(microsecondsSinceEpoch: .max))
            ],
            outputModels: [RunLink(entity: model, attributes: attributes, time: nil)])
    }

    @Test(
        "a run's output step out of range is clamped",
        arguments: [
            (JSONValue.number(-1e300), Int64.min), (.number(1e300), .max), (.number(9.3e18), .max),
            (.number(.nan), 0), (.number(-.infinity), .min), (.number(42.7), 42), (.string("7"), 0), (nil, 0),
        ])
    func outputStep(held: JSONValue?, shown: Int64) {
        // Before the fix, Int64(-1e300) aborted the server on every runs/get and runs/search of the run.
        let out = MLflowMapping.run(trackedRun(outputStep: held))
        #expect(out.outputs?.model_outputs?.first?.step == shown)
    }

    @Test("extreme held times and steps are shown, not fatal")
    func extremeTimes() {
        let out = MLflowMapping.run(trackedRun(outputStep: .number(1), times: (.min, .max)))
        #expect(out.info.start_time == Int64.min / 1000)
        #expect(out.info.end_time == Int64.max / 1000)
        #expect(out.data.metrics?.first?.step == .min)
    }

    @Test(
        "a logged model's update time out of range is clamped",
        arguments: [
            (JSONValue.number(1e300), Int64.max), (.number(-1e300), .min), (.number(.infinity), .max),
            (.number(1_750_000_000_000), 1_750_000_000_000),
        ])
    func modelUpdateTime(held: JSONValue, shown: Int64) {
        // Before the fix, Int64(1e300) aborted the server on GET logged-models/<id>.
        var entity = model
        entity.attributes[TrackedModel.Attribute.updatedAt] = held
        let tracked = TrackedModel(
            entity: entity, experimentID: nil, experimentNumber: nil, sourceRun: run, metrics: [])
        #expect(MLflowMapping.loggedModel(tracked).info.last_updated_timestamp_ms == shown)
    }

    @Test("MLflow times outside the accepted range are refused with the range in the message")
    func timesRefused() throws {
        for milliseconds in [Int64.max, .min, 253_402_300_800_000, -62_167_219_200_001] {
            let error = #expect(throws: APIError.self) {
                try MLflowMapping.time(unixMilliseconds: milliseconds, field: "timestamp")
            }
            #expect(error?.message.contains("9999-12-31T23:59:59.999999Z") == true)
        }
        #expect(
            try MLflowMapping.time(unixMilliseconds: 253_402_300_799_999, field: "t").unixMilliseconds
                == 253_402_300_799_999)
    }
}
