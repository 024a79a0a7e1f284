import Foundation
import Hummingbird
import NIOCore
import ProvAnalysis
import ProvModel
import ProvQuery
import ProvStore

/// The analysis routes of the native API: `GET analysis/features`, `analysis/curves`, `analysis/explain` and
/// `analysis/report`, each
/// with `experiment` (name or id) and optional `metric` (the accuracy key) and `classes` (the class count where runs
/// record none). They read the store and store nothing.
extension NativeController {
    func registerAnalysis(on api: RouterGroup<Context>) {
        api.get("analysis/features", use: features)
        api.get("analysis/curves", use: curves)
        api.get("analysis/explain", use: explain)
        api.get("analysis/report", use: report)
    }

    /// The experiment and curve selection a request names.
    func analysisInput(_ request: Request) async throws -> (ExperimentData, CurveMetricSelection) {
        let query = request.query
        guard let experiment = query["experiment"], !experiment.isEmpty else {
            throw APIError.invalid("give the experiment to analyse: ?experiment=NAME (or its id)")
        }
        var selection = CurveMetricSelection(accuracyKey: query["metric"])
        if let classes = query["classes"] {
            guard let count = Int(classes), count >= 2 else {
                throw APIError.invalid("classes must be a whole number ≥ 2, not '\(classes)'")
            }
            selection.classCount = count
        }
        do {
            return (try await ExperimentData.load(experiment, from: store), selection)
        } catch let error as AnalysisError {
            throw APIError.notFound(error.description)
        }
    }

    /// Runs an analysis, turning its errors into 400 answers.
    func analysing<T>(_ body: () throws(AnalysisError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw APIError.invalid(error.description)
        }
    }

    /// `GET analysis/features`: the feature table (as `provkit analyze features --json`).
    func features(_ request: Request, context: Context) async throws -> Response {
        let (data, selection) = try await analysisInput(request)
        return try JSONBody.response(
            try analysing { () throws(AnalysisError) in
                try FeatureExtractor(curves: selection).table(for: data)
            })
    }

    /// `GET analysis/curves?predictor=penguin|a4nn`: curve classes and PENGUIN predictions (as `provkit analyze
    /// curves --json --no-store-results`).
    func curves(_ request: Request, context: Context) async throws -> Response {
        let predictor: PenguinPredictor.Configuration
        switch request.query["predictor"] ?? "penguin" {
        case "penguin": predictor = .default
        case "a4nn": predictor = .a4nn
        case let other: throw APIError.invalid("predictor must be penguin or a4nn, not '\(other)'")
        }
        let (data, selection) = try await analysisInput(request)
        return try JSONBody.response(
            try analysing { () throws(AnalysisError) in
                try CurveAnalyzer(predictor: PenguinPredictor(configuration: predictor)).analyze(
                    data, selection: selection)
            })
    }

    /// `GET analysis/explain?outcome=KEY&alpha=A`: feature strength for the outcome and the PC graph over the numeric
    /// feature table with the taxonomy's tiers (as `provkit analyze strength|causal --experiment`).
    func explain(_ request: Request, context: Context) async throws -> Response {
        var options = ExperimentExplanation.Options(outcome: request.query["outcome"])
        if let alpha = request.query["alpha"] {
            guard let value = Double(alpha), value > 0, value < 1 else {
                throw APIError.invalid("alpha must be a number between 0 and 1, not '\(alpha)'")
            }
            options.alpha = value
        }
        let (data, selection) = try await analysisInput(request)
        let features = try analysing { () throws(AnalysisError) in
            try FeatureExtractor(curves: selection).table(for: data)
        }
        if let outcome = options.outcome, features.column(named: outcome) == nil {
            throw APIError.invalid(
                "no feature '\(outcome)'; the experiment's features are: "
                    + features.columns.map(\.name).joined(separator: ", "))
        }
        return try JSONBody.response(ExperimentExplanation.make(features: features, options: options))
    }

    /// `GET analysis/report?format=json|html`: the report (JSON by default, or the self-contained HTML page).
    func report(_ request: Request, context: Context) async throws -> Response {
        let format = request.query["format"] ?? "json"
        guard format == "json" || format == "html" else {
            throw APIError.invalid("format must be json or html, not '\(format)'")
        }
        let (data, selection) = try await analysisInput(request)
        let report = try analysing { () throws(AnalysisError) in
            try AnalysisReport.make(for: data, selection: selection, generatedAt: ProvTime.now().iso8601)
        }
        guard format == "html" else { return try JSONBody.response(report) }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: ReportRenderer.html(report))))
    }
}
