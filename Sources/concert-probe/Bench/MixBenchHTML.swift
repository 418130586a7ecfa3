import Foundation

/// The mixed benchmark's results as one self-contained HTML page, as ghz writes: the plan, any
/// warning, the table of methods, the errors by code, the latency histogram and the throughput over
/// time (inline CSS and SVG, nothing loaded from elsewhere).
struct MixBenchHTML {
    /// The figures to write.
    let report: MixBenchReport

    /// The page.
    var text: String {
        let warning = report.neverOKWarning.map { "<p class=\"warning\">\(HTMLText.escaped($0))</p>" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>concert-probe bench</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; }
            th, td { padding: 0.25em 0.75em; text-align: right; border-bottom: 1px solid #ddd; }
            th:first-child, td:first-child { text-align: left; }
            .warning { color: #a40; font-weight: bold; }
            svg { width: 100%; max-width: 760px; height: auto; }
            .bar { fill: #4a7fb5; } .error { fill: #c44; } .axis { stroke: #444; } .label { font-size: 11px; fill: #444; }
            </style>
            </head>
            <body>
            <h1>concert-probe bench</h1>
            <p>\(HTMLText.escaped(report.planSummary))</p>
            <p>fans: \(report.result.fans) (\(report.result.activeFans) active at start)</p>
            \(warning)
            <h2>Methods</h2>
            \(methodTable)
            <h2>Errors by status code</h2>
            \(errorList)
            <h2>Latency histogram (all methods, µs)</h2>
            \(latencyChart.svg)
            <h2>Throughput over time (calls answered per second, errors in red)</h2>
            \(throughputChart.svg)
            </body>
            </html>

            """
    }

    /// The methods and the total as an HTML table.
    private var methodTable: String {
        let header = ["method", "calls", "ok", "errors", "calls/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs"]
        let rows = (report.methods + [("total", report.total)]).map { name, stats in
            let latency = stats.latency
            let cells = [
                name, "\(stats.calls)", "\(stats.ok)", "\(stats.errors)",
                String(format: "%.1f", Double(stats.calls) / report.seconds), "\(latency.valueAtPercentile(50))",
                "\(latency.valueAtPercentile(90))", "\(latency.valueAtPercentile(99))",
                "\(latency.valueAtPercentile(99.9))", "\(latency.max)",
            ]
            return "<tr>" + cells.map { "<td>\(HTMLText.escaped($0))</td>" }.joined() + "</tr>"
        }
        return "<table>\n<tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>\n" + rows.joined(separator: "\n")
            + "\n</table>"
    }

    /// Each failing method's errors grouped by code, as an HTML list.
    private var errorList: String {
        let failing = report.methods.filter { $0.stats.errors > 0 }
        guard !failing.isEmpty else { return "<p>none</p>" }
        let items = failing.map { name, stats in
            "<li>\(HTMLText.escaped(name)): \(HTMLText.escaped(MixBenchReport.errorGroups(stats)))</li>"
        }
        return "<ul>\n" + items.joined(separator: "\n") + "\n</ul>"
    }

    /// Latencies in buckets doubling in width, from the power of two below the fastest call to the slowest.
    private var latencyChart: SVGBarChart {
        let latency = report.total.latency
        guard latency.totalCount > 0 else { return SVGBarChart(bars: [], title: "latency histogram") }
        var low: UInt64 = 1
        while low * 2 <= latency.min { low *= 2 }
        var bars: [SVGBarChart.Bar] = []
        while low <= latency.max {
            bars.append(
                SVGBarChart.Bar(label: "\(low)", value: Int(latency.count(within: low...(low * 2 - 1))), highlighted: 0))
            low *= 2
        }
        return SVGBarChart(bars: bars, title: "latency histogram")
    }

    /// The calls answered in each second of the recording, the errors among them highlighted.
    private var throughputChart: SVGBarChart {
        let timeline = report.result.timeline
        let bars = timeline.calls.indices.map { second in
            SVGBarChart.Bar(label: "\(second) s", value: timeline.calls[second], highlighted: timeline.errors[second])
        }
        return SVGBarChart(bars: bars, title: "throughput over time")
    }
}
