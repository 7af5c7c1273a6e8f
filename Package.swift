// swift-tools-version: 6.1
import PackageDescription

// Layering (dependencies point down only):
//   andromeda-sim (CLI) -> Benchmarks, AndromedaSim (library product) -> models -> FlowNetwork -> SimEngine
//   Benchmarks (PHOLD, every bench measurement) -> AndromedaSim; the CLI's bench commands call it
//   EngineBenchmarks (Benchmarks/, ordo-one/benchmark's runner) -> Benchmarks, FlowNetwork, SimEngine
//   AndromedaSimC (the C ABI, a dynamic library for Python) -> AndromedaSim
//   SimHost wraps the C libraries hwloc and jemalloc. SimEngine is the kernel (time, events, the
//   queue, components, random streams) and imports no model; FlowNetwork (shared bandwidth behind
//   the NetworkModel protocol) is the layer on it that the hardware, training and cluster models share.
// The simulation's hot modules are optimised in debug builds too, so that the test suite (a
// debug build) can run the calibration's leave-one-out (about 7,000 simulated steps) in seconds.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "andromeda-sim",
    products: [
        .library(name: "AndromedaSim", targets: ["AndromedaSim"]),
        .executable(name: "andromeda-sim", targets: ["andromeda-sim"]),
        // The C ABI (JSON in, JSON out) that the Python package python/andromeda_sim loads.
        .library(name: "andromeda_sim_c", type: .dynamic, targets: ["AndromedaSimC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target AndromedaSim` (the DocC catalog; no code of it is linked).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The engine's benchmarks (Benchmarks/EngineBenchmarks, `swift package benchmark`) only.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .systemLibrary(
            name: "CHwloc",
            pkgConfig: "hwloc",
            providers: [.apt(["libhwloc-dev"])]
        ),
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        // A cache prefetch hint for the engine's event queue (header-only C).
        .target(name: "CSimPrefetch"),
        .target(name: "SimEngine", dependencies: ["CSimPrefetch"], swiftSettings: optimisedInDebug),
        // Links shared by max-min fairness, behind the NetworkModel protocol (on the kernel).
        .target(name: "FlowNetwork", dependencies: ["SimEngine"], swiftSettings: optimisedInDebug),
        // The one JSON string escaper and the one XML/HTML escaper every output uses.
        .target(name: "TextEscaping"),
        // SimHost finds jemalloc at run time; the command line and the tests link it (JemallocLink).
        .target(
            name: "SimHost",
            dependencies: ["CHwloc"]
        ),
        // The wafer: its spec, defects and tiling, and the mapping model that prices every GEMM and
        // attention on the mesh (the closed form); its core-level referee is Wafer/Referee.
        .target(name: "Wafer", dependencies: ["SimEngine"], exclude: ["Referee"], swiftSettings: optimisedInDebug),
        .target(name: "WaferReferee", dependencies: ["SimEngine", "Wafer", "Charts"], path: "Sources/Wafer/Referee",
                swiftSettings: optimisedInDebug),
        .target(name: "Hardware", dependencies: ["SimEngine", "Wafer", "FlowNetwork"], swiftSettings: optimisedInDebug),
        .target(name: "Training", dependencies: ["SimEngine", "FlowNetwork", "Wafer", "Hardware"], swiftSettings: optimisedInDebug),
        .target(name: "Cluster", dependencies: ["SimEngine", "FlowNetwork", "Hardware", "Training"]),
        .target(name: "Workloads", dependencies: ["SimEngine", "Hardware", "Training", "Cluster", "TextEscaping"]),
        // Builtin is a link to the repository's Scenarios/ folder: the files are compiled in.
        .target(name: "Scenarios", dependencies: ["ScenarioFormat", "TextEscaping", "SimEngine", "Wafer", "Hardware", "Training", "Cluster", "Workloads"],
                resources: [.embedInCode("Builtin")]),
        .target(name: "Charts", dependencies: ["TextEscaping"]),
        .target(
            name: "AndromedaSim",
            dependencies: ["SimEngine", "SimHost", "Hardware", "Training", "Cluster", "Workloads", "ScenarioFormat", "Scenarios", "Reports", "Charts", "Wafer", "WaferReferee",
                           "TextEscaping"]
        ),
        // The C ABI over AndromedaSim: andromeda_call (JSON in, JSON out), andromeda_free.
        .target(name: "AndromedaSimC", dependencies: ["AndromedaSim", "Reports", "ScenarioFormat", "Scenarios", "SimEngine", "SimHost"], exclude: ["andromeda_sim.h"]),
        .target(name: "ScenarioFormat", dependencies: ["TextEscaping"]),
        // C's fixed-point formatting of doubles, called directly (CSV and JSON numbers).
        .target(name: "CNumberFormat"),
        .target(name: "Reports", dependencies: ["SimEngine", "TextEscaping", "CNumberFormat"]),
        // PHOLD and every benchmark the command line's `bench` commands run (measurements and
        // their references; the commands parse flags and print).
        .target(name: "Benchmarks", dependencies: ["AndromedaSim", "SimEngine", "Cluster", "Scenarios", "SimHost", "Reports"], swiftSettings: optimisedInDebug),
        // PHOLD and the flow network under ordo-one/benchmark (wall clock, mallocs, memory):
        // `swift package --disable-sandbox benchmark` runs it.
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "Benchmarks", "FlowNetwork", "SimEngine"],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "andromeda-sim",
            dependencies: [
                "AndromedaSim",
                "Benchmarks",
                "Cluster",
                "Reports",
                "ScenarioFormat",
                "Scenarios",
                "SimEngine",
                "SimHost",
                "Training",
                "Wafer",
                "Workloads",
                "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SimEngineTests", dependencies: ["SimEngine"]),
        .testTarget(name: "FlowNetworkTests", dependencies: ["FlowNetwork", "SimEngine"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "SimEngine"]),
        .testTarget(name: "SimHostTests", dependencies: ["SimHost", "CJemalloc"]),
        .testTarget(name: "ScenarioFormatTests", dependencies: ["ScenarioFormat"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
        .testTarget(name: "HardwareTests", dependencies: ["Hardware", "Wafer", "FlowNetwork", "SimEngine"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Wafer", "Hardware", "SimEngine"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Hardware", "ScenarioFormat", "SimEngine", "Training"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Training", "Hardware", "SimEngine"]),
        .testTarget(name: "WorkloadsTests", dependencies: ["Workloads", "Cluster", "Training", "SimEngine"]),
        .testTarget(name: "AndromedaSimTests", dependencies: ["AndromedaSim", "Charts", "Cluster", "Hardware", "Reports", "ScenarioFormat", "Scenarios", "SimEngine", "TextEscaping", "Training"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "WaferRefereeTests", dependencies: ["WaferReferee", "Wafer", "Hardware", "SimEngine", "SimHost", "Training"]),
    ]
)
