// The hand-written JSON of the answers that carry runs and metric points (see `JSONOut` for why).

extension MetricOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("key", key)
        json.member("value", value)
        json.member("timestamp", timestamp)
        json.member("step", step)
        json.member("model_id", model_id)
        json.member("dataset_name", dataset_name)
        json.member("dataset_digest", dataset_digest)
        json.member("run_id", run_id)
        json.endObject()
    }
}

extension RunInfoOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("run_uuid", run_uuid)
        json.member("run_id", run_id)
        json.member("experiment_id", experiment_id)
        json.member("run_name", run_name)
        json.member("user_id", user_id)
        json.member("status", status)
        json.member("start_time", start_time)
        json.member("end_time", end_time)
        json.member("lifecycle_stage", lifecycle_stage)
        json.member("artifact_uri", artifact_uri)
        json.endObject()
    }
}

extension RunDataOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("metrics", metrics)
        json.member("params", params)
        json.member("tags", tags)
        json.endObject()
    }
}

extension DatasetOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("name", name)
        json.member("digest", digest)
        json.member("source_type", source_type)
        json.member("source", source)
        json.member("schema", schema)
        json.member("profile", profile)
        json.endObject()
    }
}

extension DatasetInputOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("tags", tags)
        json.member("dataset", dataset)
        json.endObject()
    }
}

extension ModelInputOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("model_id", model_id)
        json.endObject()
    }
}

extension RunInputsOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("dataset_inputs", dataset_inputs)
        json.member("model_inputs", model_inputs)
        json.endObject()
    }
}

extension ModelOutputOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("model_id", model_id)
        json.member("step", step)
        json.endObject()
    }
}

extension RunOutputsOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("model_outputs", model_outputs)
        json.endObject()
    }
}

extension RunOut: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("info", info)
        json.member("data", data)
        json.member("inputs", inputs)
        json.member("outputs", outputs)
        json.endObject()
    }
}

extension RunResponse: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("run", run)
        json.endObject()
    }
}

extension RunInfoResponse: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("run_info", run_info)
        json.endObject()
    }
}

extension SearchRunsResponse: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("runs", runs)
        json.member("next_page_token", next_page_token)
        json.endObject()
    }
}

extension MetricHistoryResponse: JSONWritable {
    func write(to json: inout JSONOut) {
        json.beginObject()
        json.member("metrics", metrics)
        json.member("next_page_token", next_page_token)
        json.endObject()
    }
}
