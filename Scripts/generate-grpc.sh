#!/usr/bin/env bash
# Regenerates the committed Swift code of Sources/CSIProvider/Generated/ from the .proto files in Protos/.
#
#   bash Scripts/generate-grpc.sh
#
# Needs protoc (Debian: apt-get install -y protobuf-compiler). It builds protoc-gen-swift and
# protoc-gen-grpc-swift-2 from Scripts/protoc-plugins (a package of its own, build folder .build-protoc-plugins)
# the first time, which takes several minutes. The normal `swift build` runs no code generator: the output is
# committed, and a test checks that it matches the .proto files' services.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v protoc >/dev/null 2>&1; then
    echo "protoc is missing: apt-get install -y protobuf-compiler" >&2
    exit 1
fi

scratch="$root/.build-protoc-plugins"
swift build -c release --package-path Scripts/protoc-plugins --scratch-path "$scratch" \
    --product protoc-gen-swift
swift build -c release --package-path Scripts/protoc-plugins --scratch-path "$scratch" \
    --product protoc-gen-grpc-swift-2
bin="$(swift build -c release --package-path Scripts/protoc-plugins --scratch-path "$scratch" --show-bin-path)"

out="Sources/CSIProvider/Generated"
mkdir -p "$out"
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift

# Messages (swift-protobuf) and services (grpc-swift 2): the server side only, with internal visibility, since
# the library exposes its own types; tests build the client stubs from their own copy (see below).
protoc --proto_path=Protos \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" \
    --swift_out="$out" --swift_opt=Visibility=Public \
    --grpc-swift_out="$out" --grpc-swift_opt=Visibility=Public,Server=true,Client=true \
    Protos/v1alpha1/service.proto Protos/grpc/health/v1/health.proto

# Flatten the paths protoc mirrors (v1alpha1/service.pb.swift -> service.pb.swift).
find "$out" -mindepth 2 -type f -name '*.swift' | while read -r file; do
    mv "$file" "$out/$(basename "$file")"
done
find "$out" -mindepth 1 -type d -empty -delete
echo "generated:"
ls -l "$out"
