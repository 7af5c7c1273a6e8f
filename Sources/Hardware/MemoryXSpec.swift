import SimEngine

/// MemoryX: holds weights and optimizer state, streams weights out, takes gradients in and runs
/// the optimizer (Cerebras MemoryX glossary).
public struct MemoryXSpec: Sendable, Equatable {
    /// Capacity for weights and optimizer state, bytes (4 TB to 2.4 PB configurations: 4 TB assumed).
    public var capacityBytes: Double = 4e12
    /// Bytes of state per parameter: fp32 master weight + Adam moments + fp16 copy (16: ZeRO paper).
    public var stateBytesPerParameter: Double = 16
    /// Streaming bandwidth out (weights) and, separately, in (gradients), bytes/s; "matches a
    /// CS-2's I/O bandwidth" (MemoryX glossary): 150 GB/s.
    public var streamBytesPerSecond: Double = 150e9
    /// Optimizer update rate, parameters/s. Derived: keeps up with gradients arriving at the
    /// stream bandwidth at 4 bytes per parameter (150e9 / 4).
    public var updateParametersPerSecond: Double = 37.5e9
    /// Bytes per parameter streamed each way per pass (32 bits: weight-streaming white paper).
    public var bytesPerParameterStreamed: Double = 4
    /// MemoryX with the default values (docs/model.md).
    public init() {}
}
