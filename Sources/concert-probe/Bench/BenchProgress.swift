import Foundation

/// The live line a benchmark shows on a terminal's standard error while it runs: elapsed time, calls,
/// rate and errors, rewritten twice a second. Nothing is written when standard error is not a terminal.
struct BenchProgress {
    /// The recorders whose totals are shown.
    let recorders: [StatsRecorder]
    /// When recording began.
    let recordFrom: ContinuousClock.Instant

    /// Rewrites the line until the task is cancelled, then clears it.
    func run() async {
        guard Console.errorIsTerminal else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let totals = recorders.reduce((calls: 0, errors: 0)) { ($0.calls + $1.totals.calls, $0.errors + $1.totals.errors) }
            let seconds = (ContinuousClock.now - recordFrom).milliseconds / 1000
            guard seconds > 0 else {
                Console.progress("warming up…")
                continue
            }
            Console.progress(
                "\(String(format: "%.1f", seconds)) s  \(totals.calls) calls  "
                    + "\(String(format: "%.0f", Double(totals.calls) / seconds))/s  \(totals.errors) errors")
        }
        Console.progress("")
    }
}
