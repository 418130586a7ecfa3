import Foundation

/// A bar chart as inline SVG (no external resources), for the HTML report: one bar per labelled
/// value, with an optional second, highlighted part of each bar (the errors among the calls).
struct SVGBarChart {
    /// One bar: its label under the axis, its height and the highlighted part of it.
    struct Bar {
        /// The text under the bar.
        let label: String
        /// The bar's value.
        let value: Int
        /// The part of the value drawn highlighted, from the bottom.
        let highlighted: Int
    }

    /// The bars, left to right.
    let bars: [Bar]
    /// The chart's accessible title.
    let title: String

    /// The drawing's width, height and the margin around the plot, in SVG units.
    private let width = 760.0, height = 240.0, margin = 40.0

    /// The `<svg>` element.
    var svg: String {
        let top = Double(max(1, bars.map(\.value).max() ?? 1))
        let plotWidth = width - 2 * margin
        let plotHeight = height - 2 * margin
        let slot = plotWidth / Double(max(1, bars.count))
        let labelEvery = max(1, bars.count / 12)
        var parts = [
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escaped(title))\">",
            "<line x1=\"\(margin)\" y1=\"\(height - margin)\" x2=\"\(width - margin)\" y2=\"\(height - margin)\" class=\"axis\"/>",
            "<text x=\"\(margin)\" y=\"\(margin - 8)\" class=\"label\">\(Int(top))</text>",
        ]
        for (index, bar) in bars.enumerated() {
            let x = margin + Double(index) * slot + slot * 0.1
            let barHeight = plotHeight * Double(bar.value) / top
            let errorHeight = plotHeight * Double(bar.highlighted) / top
            let label = HTMLText.escaped(bar.label)
            parts.append(
                "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(height - margin - barHeight))\" width=\"\(Self.f(slot * 0.8))\" "
                    + "height=\"\(Self.f(barHeight))\" class=\"bar\"><title>\(label): \(bar.value)</title></rect>")
            if bar.highlighted > 0 {
                parts.append(
                    "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(height - margin - errorHeight))\" width=\"\(Self.f(slot * 0.8))\" "
                        + "height=\"\(Self.f(errorHeight))\" class=\"error\"><title>\(label): \(bar.highlighted) errors</title></rect>")
            }
            if index % labelEvery == 0 {
                parts.append("<text x=\"\(Self.f(x))\" y=\"\(Self.f(height - margin + 16))\" class=\"label\">\(label)</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// `value` with one decimal, for a coordinate.
    private static func f(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
