import ArgumentParser

/// How `bench` prints its results.
enum BenchFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned text for a person.
    case table
    /// One JSON document.
    case json
    /// CSV, one row per method (the mix scenario).
    case csv
    /// One self-contained HTML page with charts (the mix scenario).
    case html
}
