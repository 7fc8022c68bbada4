// swift-tools-version:6.1
import PackageDescription

let strictConcurrency: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

// Linux only: the server is built on signalfd, memfd, SO_REUSEPORT, prctl and journald, so no
// Apple platform is declared.
let package = Package(
    name: "swiftcorn",
    products: [
        .library(name: "Swiftcorn", targets: ["Swiftcorn"]),
        .library(name: "SwiftcornStatic", targets: ["SwiftcornStatic"]),
        .executable(name: "swiftcorn", targets: ["swiftcorn"]),
        .executable(name: "swiftcorn-logs", targets: ["swiftcorn-logs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // FoundationURL off: the server links no Foundation (its URL conveniences are unused).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        .target(name: "CSwiftcornSystem"),
        // The log record schema, the decimal digit writer and the JSON string escaper: what the
        // server's writers and the analyser share, with nothing below them.
        .target(name: "SwiftcornFormat", swiftSettings: strictConcurrency),
        .target(name: "SwiftcornTime", dependencies: ["SwiftcornFormat"], swiftSettings: strictConcurrency),
        .target(
            name: "SwiftcornSystem",
            dependencies: ["CSwiftcornSystem"],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "SwiftcornApp",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "SwiftcornConfig",
            dependencies: ["SwiftcornSystem"],
            swiftSettings: strictConcurrency
        ),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "SwiftcornLogging",
            dependencies: [
                "CSystemd", "SwiftcornSystem", "SwiftcornTime", "SwiftcornConfig", "SwiftcornFormat",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "SwiftcornMetrics",
            dependencies: [
                "CSwiftcornSystem",
                "SwiftcornFormat",
                "SwiftcornSystem",
                "SwiftcornConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictConcurrency
        ),
        // The master: one thread, one poll(2) loop over a signalfd, the workers' control pipes
        // and timers (gunicorn's arbiter). It imports no NIO; the side port below runs its own
        // event loop thread, so neither a scrape nor a hung worker can stall the master's loop.
        .target(
            name: "SwiftcornArbiter",
            dependencies: [
                "CSwiftcornSystem",
                "SwiftcornSystem",
                "SwiftcornTime",
                "CSystemd",
                "SwiftcornConfig",
                "SwiftcornLogging",
                "SwiftcornMetrics",
                "SwiftcornApp",
                "SwiftcornSidePort",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        // The master's metrics side port: an NIO HTTP/1.1 server on one thread of its own that
        // serves /metrics (summed over the workers' slots), /healthz and /stats.
        .target(
            name: "SwiftcornSidePort",
            dependencies: [
                "SwiftcornSystem",
                "CZlib",
                "SwiftcornConfig",
                "SwiftcornLogging",
                "SwiftcornMetrics",
                "SwiftcornApp",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "SwiftcornWorker",
            dependencies: [
                "CSwiftcornSystem",
                "SwiftcornFormat",
                "SwiftcornTime",
                "SwiftcornSystem",
                "SwiftcornConfig",
                "SwiftcornLogging",
                "SwiftcornMetrics",
                "SwiftcornApp",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "Swiftcorn",
            dependencies: [
                "SwiftcornSystem",
                "SwiftcornLogging",
                "SwiftcornArbiter",
                "SwiftcornConfig",
                "SwiftcornApp",
                "SwiftcornWorker",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictConcurrency
        ),
        // A static file server an app can mount, as the swiftcorn executable's `--app static` does.
        .target(
            name: "SwiftcornStatic",
            dependencies: [
                "SwiftcornApp",
                "SwiftcornTime",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictConcurrency
        ),
        // The demo app (hello, bytes, echo, delay, stream, faults) the swiftcorn executable and
        // the tests' app serve.
        .target(
            name: "SwiftcornDemo",
            dependencies: ["Swiftcorn", "SwiftcornLogging"],
            swiftSettings: strictConcurrency
        ),
        .executableTarget(
            name: "swiftcorn",
            dependencies: ["Swiftcorn", "SwiftcornDemo", "SwiftcornStatic"],
            swiftSettings: strictConcurrency
        ),
        // An app built on Swiftcorn.main as a user builds one, with the switches the integration
        // tests need and the shipped binary must not carry.
        .executableTarget(
            name: "swiftcorn-test-app",
            dependencies: ["Swiftcorn", "SwiftcornDemo"],
            path: "Tests/TestApp",
            swiftSettings: strictConcurrency
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "SwiftcornLogAnalysis",
            dependencies: [
                "SwiftcornFormat",
                "SwiftcornTime",
                "CZlib",
                "CSystemd",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictConcurrency
        ),
        .executableTarget(
            name: "swiftcorn-logs",
            dependencies: [
                "SwiftcornLogAnalysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "SwiftcornTestKit",
            path: "Tests/SwiftcornTestKit",
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornTimeTests",
            dependencies: ["SwiftcornTime", "SwiftcornTestKit"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornSystemTests",
            dependencies: ["SwiftcornSystem", "CSwiftcornSystem", "SwiftcornTestKit"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornAppTests",
            dependencies: [
                "SwiftcornApp",
                "SwiftcornTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornConfigTests",
            dependencies: ["SwiftcornConfig"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornFormatTests",
            dependencies: ["SwiftcornFormat", "SwiftcornLogging", "SwiftcornLogAnalysis"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornLoggingTests",
            dependencies: ["SwiftcornLogging", "SwiftcornTime", "SwiftcornTestKit"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornMetricsTests",
            dependencies: ["SwiftcornMetrics", "SwiftcornTestKit"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornArbiterTests",
            dependencies: ["SwiftcornArbiter", "SwiftcornConfig", "SwiftcornSystem", "SwiftcornTime"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornWorkerTests",
            dependencies: [
                "SwiftcornTime",
                "SwiftcornConfig",
                "SwiftcornApp",
                "SwiftcornWorker",
                "SwiftcornTestKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "StaticFilesTests",
            dependencies: [
                "SwiftcornTime",
                "SwiftcornApp",
                "SwiftcornStatic",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "SwiftcornLogAnalysisTests",
            dependencies: ["SwiftcornLogAnalysis"],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["SwiftcornTestKit"],
            swiftSettings: strictConcurrency
        ),
    ]
)
