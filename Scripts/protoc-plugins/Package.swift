// swift-tools-version:6.1
//
// Builds the two protoc plugins that Scripts/generate-grpc.sh runs: protoc-gen-swift (swift-protobuf) and
// protoc-gen-grpc-swift-2 (grpc-swift-protobuf). It is a separate package so that the main build never compiles
// a code generator. Its versions match the runtime libraries in the main Package.swift.

import PackageDescription

let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: []
)
