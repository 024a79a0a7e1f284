import Foundation
import ProvModel
import Testing

@Suite("EventCodec")
struct EventCodecTests {
    static let run = ProvID(high: 0x018D_D6F4_2C00_7001, low: 0x8000_0000_0000_0001)
    static let experiment = ProvID(high: 0x018D_D6F4_2C00_7002, low: 0x8000_0000_0000_0002)
    static let entity = ProvID(high: 0x018D_D6F4_2C00_7003, low: 0x8000_0000_0000_0003)
    static let agent = ProvID(high: 0x018D_D6F4_2C00_7004, low: 0x8000_0000_0000_0004)
    static let time = ProvTime(microsecondsSinceEpoch: 1_613_397_326_539_263)

    /// One event of every type, with every optional field set, and the minimal form of each where it differs.
    static let events: [ProvEvent] = [
        .experiment(
            ExperimentRecord(id: experiment, name: "cnn-sweep", description: "CIFAR-100 sweep", createdAt: time)),
        .experiment(ExperimentRecord(id: experiment, name: "bare")),
        .runStart(
            RunStart(
                id: run, experiment: experiment, parent: entity, kind: .step, name: "epoch 1", startedAt: time,
                status: .scheduled)),
        .runStart(RunStart(id: run, experiment: experiment, startedAt: time)),
        .runStart(RunStart(id: run, experiment: experiment, parent: entity, startedAt: time)),
        .runEnd(RunEnd(run: run, status: .failed, endedAt: time)),
        .entity(
            EntityRecord(
                id: entity, kind: .dataset, name: "CIFAR100", location: "data/cifar-100", digest: "sha256:9f86d081",
                sizeBytes: 169_001_437, createdAt: time,
                attributes: ["classes": 100, "splits": ["train", "test"], "meta": ["drop_last": true, "note": nil]])),
        .entity(EntityRecord(id: entity, kind: .telemetrySample)),
        .agent(AgentRecord(id: agent, kind: .host, name: "node-7", attributes: ["cpus": 2, "os": "Linux"])),
        .agent(AgentRecord(id: agent, kind: .software, name: "provkit")),
        .relation(
            RelationRecord(
                .wasGeneratedBy, subject: entity, object: run, time: time, attributes: ["role": "checkpoint"])),
        .relation(RelationRecord(.used, subject: run, object: entity)),
        .parameter(ParameterRecord(run: run, key: "learning_rate", value: "0.11464760689500715")),
        .tag(TagRecord(target: run, key: "mlflow.user", value: "ada")),
        .metric(MetricPoint(run: run, key: "valAcc", value: 0.2877, step: 21, time: time, epoch: 10.5)),
        .metric(MetricPoint(run: run, key: "trainLoss", value: 4.25)),
        .metric(MetricPoint(run: run, key: "trainLoss", value: .nan, step: 3)),
        .metric(MetricPoint(run: run, key: "valLoss", value: .infinity, step: 4)),
        .metric(MetricPoint(run: run, key: "valLoss", value: -.infinity, step: 5)),
        .telemetry(
            TelemetrySample(
                run: run, time: time, phase: .start,
                values: ["cpu_percent": 12.5, "gpu_0_power_watts": 250, "memory_used": 1.5e9])),
        .telemetry(TelemetrySample(run: run, time: time, values: [:])),
        .architecture(
            ArchitectureRecord(
                run: run, model: entity,
                layers: [
                    ArchitectureLayer(type: "conv2d", hyperparameters: ["kernel": 24, "stride": 12, "filters": 301]),
                    ArchitectureLayer(type: "pool", hyperparameters: ["kernel": 1, "mode": nil]),
                    ArchitectureLayer(type: "dropout", hyperparameters: ["rate": 0.4558671863403917]),
                    ArchitectureLayer(type: "dense", hyperparameters: ["units": 100]),
                ])),
        .architecture(ArchitectureRecord(run: run, layers: [])),
        .metric(
            MetricPoint(
                run: run, key: "acc", value: 0.9, step: 2, time: time, model: entity,
                dataset: MetricDataset(name: "toy", digest: "a5357541"))),
        .metric(MetricPoint(run: run, key: "acc", value: 0.9, model: entity)),
        .runUpdate(RunUpdate(run: run, name: "renamed", status: .running, endedAt: time, parent: entity)),
        .runUpdate(RunUpdate(run: run, status: .killed)),
        .tagDelete(TagDeletion(target: run, key: "stage")),
        .tagDelete(TagDeletion(target: experiment, targetType: .experiment, key: "team")),
        .lifecycle(LifecycleChange(target: run, targetType: .run, stage: .deleted, time: time)),
        .lifecycle(LifecycleChange(target: experiment, targetType: .experiment, stage: .active)),
    ]

    @Test("every event type round-trips through encode and decode", arguments: events)
    func roundTrip(event: ProvEvent) throws {
        let line = EventCodec.encode(event)
        #expect(!line.contains("\n"))
        #expect(try EventCodec.decode(line: line) == event)
        #expect(EventCodec.encode(try EventCodec.decode(line: line)) == line)  // stable text
    }

    @Test("the samples cover every event type")
    func coversEveryType() {
        #expect(Set(Self.events.map(\.typeName)) == Set(ProvEvent.typeNames))
    }

    @Test("encoded lines are JSON objects with sorted keys and the event's type")
    func encodedShape() throws {
        let line = EventCodec.encode(.runEnd(RunEnd(run: Self.run, status: .finished, endedAt: Self.time)))
        #expect(
            line == #"{"id":"018dd6f42c0070018000000000000001","status":"finished","#
                + #""time":"2021-02-15T13:55:26.539263Z","type":"run_end"}"#)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "run_end")
    }

    @Test("a tag on an experiment decodes as a tag on that experiment")
    func experimentTag() throws {
        let record = TagRecord(target: Self.experiment, targetType: .experiment, key: "team", value: "taxonomy")
        let line = EventCodec.encode(.tag(record))
        #expect(line.contains(#""experiment":"018dd6f42c0070028000000000000002""#))
        #expect(try EventCodec.decode(line: line) == .tag(record))
    }

    @Test("decoding normalizes what the format allows in more than one way")
    func lenientForms() throws {
        let run = Self.run.hex
        let parameter = try EventCodec.decode(line: #"{"type":"parameter","run":"\#(run)","key":"bs","value":25}"#)
        #expect(parameter == .parameter(ParameterRecord(run: Self.run, key: "bs", value: "25")))
        for (json, text) in [("0", "0"), ("1", "1"), ("1.5", "1.5"), ("false", "false")] {
            let line = #"{"type":"parameter","run":"\#(run)","key":"k","value":\#(json)}"#
            let expected = ProvEvent.parameter(ParameterRecord(run: Self.run, key: "k", value: text))
            #expect(try EventCodec.decode(line: line) == expected)
        }
        let flag = try EventCodec.decode(line: #"{"type":"parameter","run":"\#(run)","key":"gpu","value":true}"#)
        #expect(flag == .parameter(ParameterRecord(run: Self.run, key: "gpu", value: "true")))
        let dashed = "018dd6f4-2c00-7001-8000-000000000001".uppercased()
        let end = try EventCodec.decode(
            line: #"{"type":"run_end","id":"\#(dashed)","status":"killed","time":"2021-02-15T14:55:26.5+01:00"}"#)
        let endedAt = try #require(ProvTime(iso8601: "2021-02-15T13:55:26.5Z"))
        #expect(end == .runEnd(RunEnd(run: Self.run, status: .killed, endedAt: endedAt)))
        let entity = try EventCodec.decode(
            line: #"{"type":"entity","id":"\#(run)","kind":"file","digest":"SHA256:ABCDEF","size":12,"name":null}"#)
        #expect(entity == .entity(EntityRecord(id: Self.run, kind: .file, digest: "sha256:abcdef", sizeBytes: 12)))
        let metric = try EventCodec.decode(line: #"{"type":"metric","run":"\#(run)","key":"loss","value":1e-3}"#)
        #expect(metric == .metric(MetricPoint(run: Self.run, key: "loss", value: 0.001)))
    }

    static let run32 = run.hex
    static let validTime = "2021-02-15T13:55:26Z"

    /// Malformed lines and the field each error must name (`nil` for the line as a whole).
    static let malformed: [(line: String, field: String?)] = [
        ("not json", nil),
        ("", nil),
        (#"{"type":"run_end""#, nil),
        ("[1, 2]", nil),
        (#""run_end""#, nil),
        ("null", nil),
        ("{}", "type"),
        (#"{"type":7}"#, "type"),
        (#"{"type":"nope"}"#, "type"),
        (#"{"type":"run_end","status":"finished","time":"\#(validTime)"}"#, "id"),
        (#"{"type":"run_end","id":null,"status":"finished","time":"\#(validTime)"}"#, "id"),
        (#"{"type":"run_end","id":12,"status":"finished","time":"\#(validTime)"}"#, "id"),
        (#"{"type":"run_end","id":"xyz","status":"finished","time":"\#(validTime)"}"#, "id"),
        (#"{"type":"run_end","id":"\#(run32)","status":"finished","time":"2021-02-30T00:00:00Z"}"#, "time"),
        (#"{"type":"run_end","id":"\#(run32)","status":"finished","time":1613397326}"#, "time"),
        (#"{"type":"run_end","id":"\#(run32)","status":"done","time":"\#(validTime)"}"#, "status"),
        (#"{"type":"run_end","id":"\#(run32)","time":"\#(validTime)"}"#, "status"),
        (#"{"type":"run_end","id":"\#(run32)","status":"finished","time":"\#(validTime)","extra":1}"#, "extra"),
        (#"{"type":"run_start","id":"\#(run32)","experiment":"\#(run32)","kind":"job"}"#, "kind"),
        (#"{"type":"run_start","id":"\#(run32)","time":"\#(validTime)"}"#, "experiment"),
        (#"{"type":"run_start","id":"\#(run32)","experiment":"\#(run32)","parent":"p"}"#, "parent"),
        (#"{"type":"experiment","id":"\#(run32)","name":""}"#, "name"),
        (#"{"type":"experiment","id":"\#(run32)","name":["a"]}"#, "name"),
        (#"{"type":"experiment","id":"\#(run32)","name":"x","description":5}"#, "description"),
        (#"{"type":"entity","id":"\#(run32)","kind":"table"}"#, "kind"),
        (#"{"type":"entity","id":"\#(run32)","kind":"file","digest":"9f86"}"#, "digest"),
        (#"{"type":"entity","id":"\#(run32)","kind":"file","digest":"sha256:xyz"}"#, "digest"),
        (#"{"type":"entity","id":"\#(run32)","kind":"file","size":1.5}"#, "size"),
        (#"{"type":"entity","id":"\#(run32)","kind":"file","size":"12"}"#, "size"),
        (#"{"type":"entity","id":"\#(run32)","kind":"file","attributes":[1]}"#, "attributes"),
        (#"{"type":"agent","id":"\#(run32)","kind":"robot","name":"x"}"#, "kind"),
        (#"{"type":"agent","id":"\#(run32)","kind":"person"}"#, "name"),
        (#"{"type":"relation","relation":"wasCausedBy","subject":"\#(run32)","object":"\#(run32)"}"#, "relation"),
        (#"{"type":"relation","relation":"used","subject":"\#(run32)"}"#, "object"),
        (#"{"type":"parameter","run":"\#(run32)","key":"lr"}"#, "value"),
        (#"{"type":"parameter","run":"\#(run32)","key":"lr","value":[0.1]}"#, "value"),
        (#"{"type":"parameter","run":"\#(run32)","key":"","value":"0.1"}"#, "key"),
        (#"{"type":"parameter","run":"\#(run32)","key":"\#(String(repeating: "k", count: 251))","value":"1"}"#, "key"),
        (#"{"type":"tag","key":"k","value":"v"}"#, "run"),
        (#"{"type":"tag","run":"\#(run32)","experiment":"\#(run32)","key":"k","value":"v"}"#, "run"),
        (#"{"type":"metric","run":"\#(run32)","key":"loss"}"#, "value"),
        (#"{"type":"metric","run":"\#(run32)","key":"loss","value":"abc"}"#, "value"),
        (#"{"type":"metric","run":"\#(run32)","key":"loss","value":true}"#, "value"),
        (#"{"type":"metric","run":"\#(run32)","key":"loss","value":1,"step":0.5}"#, "step"),
        (#"{"type":"metric","run":"\#(run32)","key":"loss","value":1,"epoch":"1"}"#, "epoch"),
        (#"{"type":"telemetry","run":"\#(run32)","time":"\#(validTime)"}"#, "values"),
        (#"{"type":"telemetry","run":"\#(run32)","time":"\#(validTime)","values":[]}"#, "values"),
        (#"{"type":"telemetry","run":"\#(run32)","time":"\#(validTime)","values":{"cpu":"x"}}"#, "values.cpu"),
        (#"{"type":"telemetry","run":"\#(run32)","time":"\#(validTime)","values":{},"phase":"mid"}"#, "phase"),
        (#"{"type":"architecture","run":"\#(run32)"}"#, "layers"),
        (#"{"type":"architecture","run":"\#(run32)","layers":{}}"#, "layers"),
        (#"{"type":"architecture","run":"\#(run32)","layers":[1]}"#, "layers[0]"),
        (#"{"type":"architecture","run":"\#(run32)","layers":[{"type":"dense"},{"units":3}]}"#, "layers[1].type"),
        (#"{"type":"architecture","run":"\#(run32)","layers":[{"type":""}]}"#, "layers[0].type"),
        (#"{"type":"metric","run":"\#(run32)","key":"acc","value":1,"model":"m-1"}"#, "model"),
        (
            #"{"type":"metric","run":"\#(run32)","key":"acc","value":1,"dataset_name":"d","dataset_digest":"x"}"#,
            "dataset_name"
        ),
        (
            #"{"type":"metric","run":"\#(run32)","key":"acc","value":1,"model":"\#(run32)","dataset_name":"d"}"#,
            "dataset_digest"
        ),
        (#"{"type":"run_update","id":"\#(run32)"}"#, nil),
        (#"{"type":"run_update","id":"\#(run32)","status":"paused"}"#, "status"),
        (#"{"type":"run_update","id":"\#(run32)","name":"x","end":"now"}"#, "end"),
        (#"{"type":"tag_delete","key":"k"}"#, "run"),
        (#"{"type":"tag_delete","run":"\#(run32)"}"#, "key"),
        (#"{"type":"lifecycle","run":"\#(run32)"}"#, "stage"),
        (#"{"type":"lifecycle","run":"\#(run32)","stage":"archived"}"#, "stage"),
        (#"{"type":"lifecycle","run":"\#(run32)","experiment":"\#(run32)","stage":"deleted"}"#, "run"),
    ]

    @Test("each malformed line throws an EventFormatError naming the field at fault", arguments: malformed)
    func malformedLine(line: String, field: String?) {
        do {
            let event = try EventCodec.decode(line: line)
            Issue.record("decoded \(event) from \(line)")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(!error.message.isEmpty)
            if let field {
                #expect(error.description.contains("field '\(field)'"))
            } else {
                #expect(error.description == error.message)
            }
        }
    }

    @Test("decode(object:) reports the same errors as decode(line:)")
    func decodeObject() {
        #expect(throws: EventFormatError(field: "type", message: "is required (a string)")) {
            try EventCodec.decode(object: [:])
        }
    }
}
