// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "concert-ticketing",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ConcertClient", targets: ["ConcertClient"]),
        .library(name: "ConcertProtocol", targets: ["ConcertProtocol"]),
        .executable(name: "concert-server", targets: ["concert-server"]),
        .executable(name: "concert-probe", targets: ["concert-probe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CProtobufC",
            path: "Sources/CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "CConcertProto",
            dependencies: ["CProtobufC"],
            cSettings: [.headerSearchPath("include")]
        ),
        .target(
            name: "ConcertProtocol",
            dependencies: [
                "CConcertProto",
                "CProtobufC",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ConcertRPC",
            dependencies: [
                "ConcertProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "ConcertDomain"),
        .target(
            name: "ConcertStore",
            dependencies: ["ConcertDomain", "CSQLite", .product(name: "CoreMetrics", package: "swift-metrics")]
        ),
        .target(
            name: "ConcertStorePostgres",
            dependencies: [
                "ConcertStore",
                "ConcertDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ConcertServer",
            dependencies: [
                "ConcertProtocol",
                "ConcertRPC",
                "ConcertDomain",
                "ConcertStore",
                "ConcertStorePostgres",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ConcertClient",
            dependencies: [
                "ConcertProtocol",
                "ConcertRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ConcertTesting",
            dependencies: [
                "ConcertServer",
                "ConcertClient",
                "ConcertRPC",
                "ConcertProtocol",
                "ConcertStore",
                "ConcertStorePostgres",
                "ConcertDomain",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "concert-server",
            dependencies: [
                "ConcertServer",
                "ConcertDomain",
                "ConcertRPC",
                "ConcertStore",
                "ConcertStorePostgres",
                "ConcertProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "concert-probe",
            dependencies: [
                "ConcertClient",
                "ConcertProtocol",
                "CConcertProto",
                "CProtobufC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "concert-example",
            dependencies: ["ConcertClient", "ConcertProtocol"],
            path: "Examples/first-purchase"
        ),
        .testTarget(name: "ConcertProtocolTests", dependencies: ["ConcertProtocol"]),
        .testTarget(name: "ConcertDomainTests", dependencies: ["ConcertDomain"]),
        .testTarget(
            name: "ConcertRPCTests",
            dependencies: [
                "ConcertRPC",
                "ConcertProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ConcertStoreTests",
            dependencies: [
                "ConcertStore", "ConcertStorePostgres", "ConcertDomain", "ConcertTesting",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ConcertServerTests",
            dependencies: [
                "ConcertServer",
                "ConcertTesting",
                "ConcertClient",
                "ConcertRPC",
                "ConcertProtocol",
                "ConcertStore",
                "ConcertStorePostgres",
                "ConcertDomain",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "ConcertClientTests",
            dependencies: [
                "ConcertClient", "ConcertServer", "ConcertRPC", "ConcertProtocol", "ConcertStore", "ConcertDomain",
                "ConcertTesting",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
