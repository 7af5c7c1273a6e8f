/// One named set of points drawn on a ``LineChart``.
///
/// Points are drawn in the order given. A point with a non-finite coordinate (NaN or infinity),
/// or a non-positive coordinate on a logarithmic axis, is skipped and breaks the line there.
public struct Series: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable, Equatable {
        /// Straight segments between consecutive points.
        case line
        /// Straight segments, dashed (for reference lines such as "ideal").
        case dashed
        /// A staircase: from each point, horizontally to the next point's x, then vertically to its y.
        case step
        /// A marker at each point, no connecting line.
        case markers
    }

    /// The name shown in the legend.
    public var name: String
    /// The data, in drawing order.
    public var points: [(x: Double, y: Double)]
    /// How the series is drawn.
    public var style: Style
    /// The slot of ``LineChart/palette`` to colour the series with (taken modulo the palette
    /// size); nil uses the series' position among the chart's series. Give two series the same
    /// slot to show they belong together, such as a model and its ideal line.
    public var colorIndex: Int?

    /// Creates a series named `name`.
    public init(name: String, points: [(x: Double, y: Double)], style: Style = .line, colorIndex: Int? = nil) {
        self.name = name
        self.points = points
        self.style = style
        self.colorIndex = colorIndex
    }
}

/// One axis of a ``LineChart``: its label, scale and optional fixed bounds.
public struct Axis: Sendable {
    /// How values map to positions along the axis.
    public enum Scale: Sendable, Equatable {
        /// Equal distances for equal differences; ticks at 1, 2 or 5 times a power of ten.
        case linear
        /// Equal distances for equal ratios; ticks at powers of two (1, 2, 4, 8, ...).
        case log2
        /// Equal distances for equal ratios; ticks at powers of ten (1, 10, 100, ...).
        case log10
    }

    /// The text under (x) or beside (y) the axis, such as "systems" or "time (h)".
    public var label: String
    /// How values map to positions.
    public var scale: Scale
    /// The lowest value shown; nil fits the data (rounded down to a tick). Ignored when not
    /// finite, or not positive on a logarithmic scale.
    public var min: Double?
    /// The highest value shown; nil fits the data (rounded up to a tick). Ignored when not
    /// finite, or not positive on a logarithmic scale.
    public var max: Double?

    /// Creates an axis labelled `label`.
    public init(label: String, scale: Scale = .linear, min: Double? = nil, max: Double? = nil) {
        self.label = label
        self.scale = scale
        self.min = min
        self.max = max
    }

    /// The tick values the axis draws when its data are `values`, ascending, with at most about
    /// `maxCount` ticks: 1-2-5 steps on a linear scale, powers of two or ten on a log scale
    /// (every k-th power when there are too many).
    public func ticks(for values: [Double], maxCount: Int = 8) -> [Double] {
        AxisLayout(axis: self, values: values, maxTicks: maxCount).ticks
    }
}
