import Foundation
import ProvModel

/// Renders an ``AnalysisReport`` as one self-contained HTML page: inline CSS and inline SVG figures, no scripts
/// and no external assets, readable offline and printable.
public enum ReportRenderer {
    /// The most rows of the per-run tables; longer tables are cut with a note (the JSON has everything).
    public static let maximumTableRows = 300

    /// The HTML page.
    public static func html(_ report: AnalysisReport) -> String {
        var body = ""
        body += "<h1>ProvKit analysis: \(escape(report.experiment))</h1>\n"
        body +=
            "<p class=\"meta\">\(report.features.rowCount) runs, \(report.curves.results.count) learning curves, "
            + "\(report.features.columns.count) features. Generated \(escape(report.generatedAt)).</p>\n"
        body +=
            "<nav><a href=\"#classes\">Curve classes</a> · <a href=\"#curves\">Learning curves</a> · "
            + "<a href=\"#prediction\">Prediction</a> · <a href=\"#features\">Features</a>"
            + (report.strength.isEmpty ? "" : " · <a href=\"#strength\">Feature strength</a>")
            + (report.causalGraph == nil ? "" : " · <a href=\"#causal\">Causal graph</a>") + "</nav>\n"
        body += classSection(report.curves)
        body += curvesSection(report.curves)
        body += predictionSection(report.curves)
        body += featureSection(report.features)
        if !report.strength.isEmpty {
            body += "<section id=\"strength\"><h2>Feature strength</h2>\n"
            for chart in report.strength { body += barChart(chart) }
            body += "</section>\n"
        }
        if let graph = report.causalGraph {
            body += "<section id=\"causal\"><h2>\(escape(graph.title))</h2>\n" + graphFigure(graph) + "</section>\n"
        }
        if !report.notes.isEmpty {
            body +=
                "<section><h2>Notes</h2><ul>" + report.notes.map { "<li>\(escape($0))</li>" }.joined()
                + "</ul></section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>ProvKit analysis: \(escape(report.experiment))</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
            h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
            table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left}
            th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .meta{color:#555}figure{margin:1em 0}figcaption{font-size:.85em;color:#555}
            .wide{overflow-x:auto}svg text{font-family:inherit}
            </style></head><body>
            \(body)</body></html>

            """
    }

    // MARK: Sections

    static let classColors: [CurveClassName: String] = [
        .neverLearner: "#7f7f7f", .lateLearner: "#ff7f0e", .earlyLearner: "#1f77b4", .overfitter: "#d62728",
        .diverged: "#9467bd",
    ]

    static func classSection(_ curves: CurveAnalysisReport) -> String {
        var html = "<section id=\"classes\"><h2>Curve classes</h2>\n<table><tr><th>class</th><th>runs</th></tr>\n"
        for name in CurveClassName.allCases {
            html +=
                "<tr><td>\(swatch(name))\(name.rawValue)</td><td class=\"n\">\(curves.classCounts[name.rawValue] ?? 0)</td></tr>\n"
        }
        html +=
            "</table>\n<p>Thresholds (every one stored with each result; source <em>provkit-proposal</em> = the "
            + "ProvKit classes of the taxonomy reference, <em>provkit</em> = ProvKit's own addition):</p>\n"
        html += "<table><tr><th>threshold</th><th>value</th><th>unit</th><th>source</th></tr>\n"
        for threshold in curves.classifier.thresholds {
            html +=
                "<tr><td>\(escape(threshold.name))</td><td class=\"n\">\(AnalysisFormat.number(threshold.value))</td>"
                + "<td>\(escape(threshold.unit))</td><td>\(escape(threshold.source))</td></tr>\n"
        }
        html += "</table>\n"
        if !curves.skipped.isEmpty {
            html +=
                "<p>\(curves.skipped.count) runs have no learning curve (e.g. \(escape(curves.skipped[0].runName ?? curves.skipped[0].run.hex)): \(escape(curves.skipped[0].reason))).</p>\n"
        }
        return html + "</section>\n"
    }

    static func curvesSection(_ curves: CurveAnalysisReport) -> String {
        var html = "<section id=\"curves\"><h2>Learning curves by class</h2>\n"
        let byResult = Dictionary(grouping: curves.results) { $0.classification.curveClass }
        for name in CurveClassName.allCases {
            guard let results = byResult[name], !results.isEmpty else { continue }
            let series = results.map { result in
                (result.label, zip(result.accuracy.epochs, result.accuracy.values).map { ($0, $1) })
            }
            html +=
                "<figure>"
                + lineChart(
                    series: series, color: classColors[name] ?? "#1f77b4",
                    chance: results.first?.classification.chanceLevel)
            html +=
                "<figcaption>\(name.rawValue): \(results.count) runs (\(escape(results.prefix(6).map(\.label).joined(separator: ", ")))\(results.count > 6 ? ", …" : "")). "
                + "Validation accuracy by epoch; dashed: chance level.</figcaption></figure>\n"
        }
        return html + "</section>\n"
    }

    static func predictionSection(_ curves: CurveAnalysisReport) -> String {
        let p = curves.predictor
        var html = "<section id=\"prediction\"><h2>Curve prediction (PENGUIN)</h2>\n"
        html +=
            "<p>acc(x) = a − b<sup>c − x</sup> fitted to ever longer starts of each curve; converged when the last "
            + "N = \(p.predictionsToConverge) predictions of the accuracy at epoch \(AnalysisFormat.number(p.predictionEpoch)) lie within ±\(AnalysisFormat.number(p.threshold)) "
            + "points of their median (C<sub>min</sub> = \(p.minimumPredictions), e<sub>max</sub> = \(AnalysisFormat.number(p.maximumEpoch))).</p>\n"
        let predicted = curves.results.compactMap { r -> (String, Double, Double, CurveClassName)? in
            guard let prediction = r.prediction, let observed = prediction.observedAccuracyAtPrediction else {
                return nil
            }
            return (r.label, prediction.predictedAccuracy, observed, r.classification.curveClass)
        }
        let converged = curves.results.filter { $0.prediction?.converged == true }
        if !converged.isEmpty {
            let saved = converged.compactMap { $0.prediction?.epochsSaved }
            html +=
                "<p>\(converged.count) of \(curves.results.count) predictions converged; mean epochs saved "
                + "\(AnalysisFormat.number(saved.reduce(0, +) / Double(saved.count), digits: 3)).</p>\n"
        }
        if !predicted.isEmpty {
            html +=
                "<figure>" + scatter(predicted) + "<figcaption>Predicted vs observed accuracy at epoch "
                + "\(AnalysisFormat.number(p.predictionEpoch)), coloured by class; the diagonal is a perfect prediction.</figcaption></figure>\n"
        } else {
            let bars = curves.results.compactMap { r in
                r.prediction.map { ReportBarChart.Bar(label: r.label, value: $0.epochsSaved) }
            }
            html += barChart(ReportBarChart(title: "Epochs saved", valueLabel: "epochs", bars: Array(bars.prefix(40))))
        }
        html +=
            "<div class=\"wide\"><table><tr><th>run</th><th>class</th><th>onset</th><th>best %</th><th>at epoch</th>"
            + "<th>final %</th><th>converged at</th><th>predicted %</th><th>observed %</th><th>epochs saved</th><th>a, b, c</th></tr>\n"
        for r in curves.results.prefix(maximumTableRows) {
            let prediction = r.prediction
            html +=
                "<tr><td>\(escape(r.label))</td><td>\(swatch(r.classification.curveClass))\(r.classification.curveClass.rawValue)</td>"
                + cell(r.classification.onsetEpoch) + cell(r.summary.bestAccuracy * 100) + cell(r.summary.epochOfBest)
                + cell(r.summary.finalAccuracy * 100)
                + "<td class=\"n\">\(prediction.map { $0.converged ? AnalysisFormat.number($0.convergenceEpoch) : "no" } ?? "–")</td>"
                + cell(prediction.map { $0.predictedAccuracy * 100 })
                + cell(prediction?.observedAccuracyAtPrediction.map { $0 * 100 })
                + cell(prediction?.epochsSaved)
                + "<td>\(prediction?.parameters.map { $0.map { AnalysisFormat.number($0, digits: 5) }.joined(separator: ", ") } ?? "–")</td></tr>\n"
        }
        html += "</table></div>\n" + truncation(curves.results.count)
        return html + "</section>\n"
    }

    static func featureSection(_ table: FeatureTable) -> String {
        var html =
            "<section id=\"features\"><h2>Features</h2>\n<p>Columns grouped by taxonomy layer, each with its "
            + "role and causal tier (0 data, 1 configuration / architecture / system, 2 training behaviour, 3 outcomes).</p>\n"
        html +=
            "<table><tr><th>feature</th><th>group</th><th>role</th><th>tier</th><th>type</th><th>present</th><th>term</th><th>source</th></tr>\n"
        for column in table.columns {
            html +=
                "<tr><td>\(escape(column.name))</td><td>\(column.group.rawValue)</td><td>\(column.role.rawValue)</td>"
                + "<td class=\"n\">\(column.tier)</td><td>\(column.isCategorical ? "categorical" : "numeric")</td>"
                + "<td class=\"n\">\(column.presentCount)/\(table.rowCount)</td><td>\(escape(column.term ?? "–"))</td>"
                + "<td>\(escape(column.source))</td></tr>\n"
        }
        html +=
            "</table>\n<div class=\"wide\"><table><tr><th>run</th>"
            + table.columns.map { "<th>\(escape($0.name))</th>" }.joined() + "</tr>\n"
        for row in 0..<min(table.rowCount, maximumTableRows) {
            html += "<tr><td>\(escape(table.runNames[row]))</td>"
            for column in table.columns {
                switch column.values[row] {
                case .number(let value): html += "<td class=\"n\">\(AnalysisFormat.number(value, digits: 4))</td>"
                case .category(let value): html += "<td>\(escape(value))</td>"
                case .missing: html += "<td>–</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</table></div>\n" + truncation(table.rowCount) + "</section>\n"
    }

    // MARK: Figures

    /// Accuracy curves (fractions) of one class in one colour.
    static func lineChart(series: [(String, [(Double, Double)])], color: String, chance: Double?) -> String {
        let width = 640.0
        let height = 300.0
        let left = 50.0
        let bottom = 36.0
        let top = 10.0
        let right = 10.0
        let points = series.flatMap(\.1)
        let maxEpoch = max(points.map(\.0).max() ?? 1, 1e-9)
        let minEpoch = min(points.map(\.0).min() ?? 0, 0)
        let x = { (e: Double) in left + (e - minEpoch) / (maxEpoch - minEpoch) * (width - left - right) }
        let y = { (v: Double) in top + (1 - min(max(v, 0), 1)) * (height - top - bottom) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(saturating: width))\" height=\"\(Int(saturating: height))\" viewBox=\"0 0 \(Int(saturating: width)) \(Int(saturating: height))\" role=\"img\">"
        svg += axes(
            width: width, height: height, left: left, bottom: bottom, top: top, right: right, xMin: minEpoch,
            xMax: maxEpoch, xLabel: "epoch", yLabel: "accuracy", x: x, y: y)
        let opacity = series.count > 30 ? 0.35 : 0.8
        for (label, curve) in series where !curve.isEmpty {
            let path = curve.filter { $0.1.isFinite }.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            svg +=
                "<polyline fill=\"none\" stroke=\"\(color)\" stroke-opacity=\"\(opacity)\" stroke-width=\"1.3\" points=\"\(path)\"><title>\(escape(label))</title></polyline>"
        }
        if let chance {
            svg +=
                "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(chance)))\" y2=\"\(f(y(chance)))\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>"
        }
        return svg + "</svg>"
    }

    static func scatter(_ points: [(String, Double, Double, CurveClassName)]) -> String {
        let size = 320.0
        let margin = 44.0
        let scale = { (v: Double) in margin + min(max(v, 0), 1) * (size - margin - 10) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(saturating: size))\" height=\"\(Int(saturating: size))\" viewBox=\"0 0 \(Int(saturating: size)) \(Int(saturating: size))\" role=\"img\">"
        svg += axes(
            width: size, height: size, left: margin, bottom: margin, top: 10, right: 10, xMin: 0, xMax: 1,
            xLabel: "observed", yLabel: "predicted", x: scale, y: { size - scale($0) })
        svg +=
            "<line x1=\"\(f(scale(0)))\" y1=\"\(f(size - scale(0)))\" x2=\"\(f(scale(1)))\" y2=\"\(f(size - scale(1)))\" stroke=\"#999\"/>"
        for (label, predicted, observed, name) in points {
            svg +=
                "<circle cx=\"\(f(scale(observed)))\" cy=\"\(f(size - scale(predicted)))\" r=\"3.5\" fill=\"\(classColors[name] ?? "#000")\" fill-opacity=\"0.8\"><title>\(escape(label)): predicted \(AnalysisFormat.number(predicted * 100, digits: 4)) %, observed \(AnalysisFormat.number(observed * 100, digits: 4)) %</title></circle>"
        }
        return svg + "</svg>"
    }

    static func barChart(_ chart: ReportBarChart) -> String {
        let bars = chart.bars.filter { $0.value.isFinite }
        let rowHeight = 20.0
        let labelWidth = 220.0
        let plotWidth = 360.0
        let height = Double(bars.count) * rowHeight + 30
        let extent = max(bars.map { abs($0.value) }.max() ?? 1, 1e-12)
        let hasNegative = bars.contains { $0.value < 0 }
        let zero = labelWidth + (hasNegative ? plotWidth / 2 : 0)
        let unit = (hasNegative ? plotWidth / 2 : plotWidth) / extent
        var svg =
            "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(saturating: labelWidth + plotWidth + 80))\" height=\"\(Int(saturating: height))\" role=\"img\">"
        for (index, bar) in bars.enumerated() {
            let yTop = Double(index) * rowHeight + 4
            let length = abs(bar.value) * unit
            let xStart = bar.value < 0 ? zero - length : zero
            svg +=
                "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(yTop + 13))\" text-anchor=\"end\" font-size=\"12\">\(escape(bar.label))</text>"
            svg +=
                "<rect x=\"\(f(xStart))\" y=\"\(f(yTop))\" width=\"\(f(max(length, 0.5)))\" height=\"\(f(rowHeight - 6))\" fill=\"\(bar.value < 0 ? "#d62728" : "#1f77b4")\"><title>\(escape(bar.label)): \(AnalysisFormat.number(bar.value, digits: 4))</title></rect>"
            svg +=
                "<text x=\"\(f(zero + (bar.value < 0 ? 4 : length + 4)))\" y=\"\(f(yTop + 13))\" font-size=\"11\">\(AnalysisFormat.number(bar.value, digits: 3))</text>"
        }
        svg += "<line x1=\"\(f(zero))\" x2=\"\(f(zero))\" y1=\"0\" y2=\"\(f(height - 26))\" stroke=\"#444\"/>"
        return svg + "</svg><figcaption>\(escape(chart.title)) (\(escape(chart.valueLabel)))</figcaption></figure>\n"
    }

    /// Nodes in columns by tier (untiered last), edges as lines with arrowheads when directed.
    static func graphFigure(_ graph: ReportGraph) -> String {
        let columns = Dictionary(grouping: graph.nodes) { $0.tier ?? Int.max }
        let order = columns.keys.sorted()
        // Boxes wide enough for the longest label (about 6.6 px per character at 11 px).
        let nodeWidth = max(150.0, Double(graph.nodes.map(\.label.count).max() ?? 0) * 6.6 + 16)
        let columnWidth = nodeWidth + 50
        let rowHeight = 46.0
        let nodeHeight = 26.0
        let width = Double(max(order.count, 1)) * columnWidth + 20
        let height = Double(columns.values.map(\.count).max() ?? 1) * rowHeight + 40
        var position: [String: (Double, Double)] = [:]
        for (columnIndex, tier) in order.enumerated() {
            for (rowIndex, node) in columns[tier, default: []].enumerated() {
                position[node.id] = (
                    20 + Double(columnIndex) * columnWidth + nodeWidth / 2,
                    30 + Double(rowIndex) * rowHeight + nodeHeight / 2
                )
            }
        }
        var svg =
            "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(saturating: width))\" height=\"\(Int(saturating: height))\" role=\"img\">"
        svg +=
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>"
        for (columnIndex, tier) in order.enumerated() {
            svg +=
                "<text x=\"\(f(20 + Double(columnIndex) * columnWidth))\" y=\"14\" font-size=\"11\" fill=\"#555\">\(tier == Int.max ? "no tier" : "tier \(tier)")</text>"
        }
        // Whether a point lies on a node box other than the edge's own ends (with a small margin).
        func hitsOtherNode(_ point: (Double, Double), except ends: Set<String>) -> Bool {
            position.contains { id, center in
                !ends.contains(id) && abs(point.0 - center.0) < nodeWidth / 2 + 4
                    && abs(point.1 - center.1) < nodeHeight / 2 + 4
            }
        }
        // Points of the quadratic curve from `a` to `b` bowed by `bow` (0 = the straight line), at t = 0.05...0.95.
        func samples(_ a: (Double, Double), _ b: (Double, Double), control: (Double, Double)) -> [(Double, Double)] {
            stride(from: 0.05, through: 0.951, by: 0.05).map { t in
                let u = 1 - t
                return (
                    u * u * a.0 + 2 * u * t * control.0 + t * t * b.0, u * u * a.1 + 2 * u * t * control.1 + t * t * b.1
                )
            }
        }
        for edge in graph.edges {
            guard let from = position[edge.from], let to = position[edge.to] else { continue }
            let dx = to.0 - from.0
            let dy = to.1 - from.1
            let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
            // A straight line unless it would cross another node; then the least-bowed curve that crosses none
            // (alternating sides), so an edge that skips a column never looks like two edges through a node.
            let ends: Set<String> = [edge.from, edge.to]
            let middle = ((from.0 + to.0) / 2, (from.1 + to.1) / 2)
            let normal = (-dy / length, dx / length)
            var control = middle
            for bow in [0.0, 28, -28, 56, -56, 84, -84, 112, -112] {
                let candidate = (middle.0 + normal.0 * bow, middle.1 + normal.1 * bow)
                if !samples(from, to, control: candidate).contains(where: { hitsOtherNode($0, except: ends) }) {
                    control = candidate
                    break
                }
                if bow == -112 { control = (middle.0 + normal.0 * 28, middle.1 + normal.1 * 28) }
            }
            // End the curve at the boxes' borders: walk in from each end until outside the box.
            let points = [from] + samples(from, to, control: control) + [to]
            func inside(_ p: (Double, Double), _ c: (Double, Double)) -> Bool {
                abs(p.0 - c.0) <= nodeWidth / 2 && abs(p.1 - c.1) <= nodeHeight / 2
            }
            let start = points.first { !inside($0, from) } ?? from
            let end = points.last { !inside($0, to) } ?? to
            let path =
                control == middle
                ? "M\(f(start.0)),\(f(start.1)) L\(f(end.0)),\(f(end.1))"
                : "M\(f(start.0)),\(f(start.1)) Q\(f(control.0)),\(f(control.1)) \(f(end.0)),\(f(end.1))"
            svg +=
                "<path d=\"\(path)\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.3\"\(edge.directed ? " marker-end=\"url(#arrow)\"" : "")><title>\(escape(edge.from)) \(edge.directed ? "→" : "—") \(escape(edge.to))\(edge.label.map { ": " + escape($0) } ?? "")</title></path>"
            if let label = edge.label {
                svg +=
                    "<text x=\"\(f((middle.0 + control.0) / 2))\" y=\"\(f((middle.1 + control.1) / 2 - 3))\" font-size=\"10\" fill=\"#333\">\(escape(label))</text>"
            }
        }
        for node in graph.nodes {
            guard let (cx, cy) = position[node.id] else { continue }
            svg +=
                "<rect x=\"\(f(cx - nodeWidth / 2))\" y=\"\(f(cy - nodeHeight / 2))\" width=\"\(f(nodeWidth))\" height=\"\(f(nodeHeight))\" rx=\"5\" fill=\"#eef4fb\" stroke=\"#1f77b4\"/>"
            svg +=
                "<text x=\"\(f(cx))\" y=\"\(f(cy + 4))\" text-anchor=\"middle\" font-size=\"11\">\(escape(node.label))</text>"
        }
        return svg
            + "</svg><figcaption>\(graph.nodes.count) variables, \(graph.edges.count) edges; columns are causal tiers.</figcaption></figure>\n"
    }

    static func axes(
        width: Double, height: Double, left: Double, bottom: Double, top: Double, right: Double, xMin: Double,
        xMax: Double, xLabel: String, yLabel: String, x: (Double) -> Double, y: (Double) -> Double
    ) -> String {
        var svg =
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(height - top - bottom))\" fill=\"none\" stroke=\"#999\"/>"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg +=
                "<text x=\"\(f(left - 4))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" font-size=\"10\">\(AnalysisFormat.number(tick))</text>"
        }
        for index in 0...4 {
            let value = xMin + (xMax - xMin) * Double(index) / 4
            svg +=
                "<text x=\"\(f(x(value)))\" y=\"\(f(height - bottom + 14))\" text-anchor=\"middle\" font-size=\"10\">\(AnalysisFormat.number(value, digits: 3))</text>"
        }
        svg +=
            "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 4))\" text-anchor=\"middle\" font-size=\"11\">\(xLabel)</text>"
        svg +=
            "<text x=\"12\" y=\"\(f((top + height - bottom) / 2))\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 12 \(f((top + height - bottom) / 2)))\">\(yLabel)</text>"
        return svg
    }

    // MARK: Helpers

    static func swatch(_ name: CurveClassName) -> String {
        "<svg width=\"10\" height=\"10\" style=\"margin-right:4px\"><rect width=\"10\" height=\"10\" fill=\"\(classColors[name] ?? "#000")\"/></svg>"
    }

    static func cell(_ value: Double?) -> String {
        "<td class=\"n\">\(value.map { AnalysisFormat.number($0, digits: 4) } ?? "–")</td>"
    }

    static func truncation(_ count: Int) -> String {
        count > maximumTableRows
            ? "<p>First \(maximumTableRows) of \(count) rows shown; the JSON report has all.</p>\n" : ""
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Escapes text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
