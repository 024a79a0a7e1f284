#!/usr/bin/env bash
# Regenerates Sources/ProvInspect/ONNX/Generated/onnx.pb.swift, the swift-protobuf code for ONNX's onnx.proto.
#
# The generated file is committed: building ProvKit needs neither protoc nor this script. Run it only to move to
# another ONNX or swift-protobuf version (then update the versions below and Package.swift together).
#
# Versions (keep in step with Package.swift and requirements-test.txt):
#   onnx.proto       from the `onnx` 1.23.2 wheel on PyPI (onnx/onnx.proto, proto2, package `onnx`)
#   protoc           from `grpcio-tools` 1.85.1 on PyPI (`python -m grpc_tools.protoc`)
#   protoc-gen-swift from apple/swift-protobuf 1.39.0 (the same version as the SwiftProtobuf runtime), built here
#
# Needs python3 with venv, git and the Swift toolchain. Environment:
#   SWIFT_PROTOBUF_REPO  where to clone swift-protobuf from (default: the local mirror
#                        /opt/swift-packages/apple/swift-protobuf.git, else GitHub)
#   PROTOC_GEN_SWIFT     an already built protoc-gen-swift 1.39.0, to skip building it
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

ONNX_VERSION=1.23.2
GRPCIO_TOOLS_VERSION=1.85.1
SWIFT_PROTOBUF_VERSION=1.39.0
out="$root/Sources/ProvInspect/ONNX/Generated"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> protoc (grpcio-tools $GRPCIO_TOOLS_VERSION) and onnx.proto (onnx $ONNX_VERSION) in a throwaway venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "grpcio-tools==$GRPCIO_TOOLS_VERSION"
"$work/venv/bin/pip" install -q --no-deps "onnx==$ONNX_VERSION"
site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
mkdir -p "$work/proto"
cp "$site/onnx/onnx.proto" "$work/proto/onnx.proto"

plugin=${PROTOC_GEN_SWIFT:-}
if [ -z "$plugin" ]; then
    repo=${SWIFT_PROTOBUF_REPO:-}
    if [ -z "$repo" ]; then
        if [ -d /opt/swift-packages/apple/swift-protobuf.git ]; then
            repo=/opt/swift-packages/apple/swift-protobuf.git
        else
            repo=https://github.com/apple/swift-protobuf.git
        fi
    fi
    echo "==> protoc-gen-swift $SWIFT_PROTOBUF_VERSION from $repo (a debug build takes a few minutes)"
    git clone -q "$repo" "$work/swift-protobuf"
    git -C "$work/swift-protobuf" checkout -q "$SWIFT_PROTOBUF_VERSION"
    swift build --package-path "$work/swift-protobuf" --product protoc-gen-swift
    plugin="$work/swift-protobuf/.build/debug/protoc-gen-swift"
fi
version=$("$plugin" --version)
case "$version" in
*"$SWIFT_PROTOBUF_VERSION"*) ;;
*) echo "protoc-gen-swift is '$version', not $SWIFT_PROTOBUF_VERSION" >&2; exit 1 ;;
esac

echo "==> generating into ${out#"$root"/}"
mkdir -p "$out"
"$work/venv/bin/python" -m grpc_tools.protoc \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$out" \
    --swift_opt=Visibility=Internal \
    --swift_opt=FileNaming=DropPath \
    -I "$work/proto" \
    "$work/proto/onnx.proto"
echo "==> done: $(wc -l <"$out/onnx.pb.swift") lines in ${out#"$root"/}/onnx.pb.swift"
