/// The middle value (the mean of the two middle ones for an even count);
/// nil for no values.
func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// `value` with thousands separated: 12,345.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 {
            result.append(",")
        }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}

/// `value` with `places` decimals.
func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<places {
        scale *= 10
    }
    let scaled = Int((value * scale).rounded())
    guard places > 0 else { return String(scaled) }
    let sign = scaled < 0 ? "-" : ""
    let whole = scaled.magnitude / UInt(scale)
    let fraction = String(scaled.magnitude % UInt(scale))
    return sign + String(whole) + "." + String(repeating: "0", count: places - fraction.count) + fraction
}
