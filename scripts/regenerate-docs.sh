#!/usr/bin/env bash
# Rewrites the generated documents from the code: docs/taxonomy.json and the generated part of docs/taxonomy.md
# (everything below the marker line). Run it after changing the taxonomy; the tests only compare these files with
# the code and fail, naming this script, when they differ. It never runs as part of a test.
# Uses the provkit binary from `swift build` (or PROVKIT_BINARY).
set -euo pipefail
cd "$(dirname "$0")/.."
provkit=${PROVKIT_BINARY:-.build/debug/provkit}
if [ ! -x "$provkit" ]; then
    echo "no provkit binary at $provkit: run \`swift build\` first (or set PROVKIT_BINARY)" >&2
    exit 1
fi
marker='<!-- Generated from Taxonomy.standard.markdown(); do not edit below this line. -->'

# `provkit taxonomy print` prints the rendering and a line break; $(...) drops trailing line breaks, and both
# renderings end with exactly one.
json=$("$provkit" taxonomy print --format json)
markdown=$("$provkit" taxonomy print --format markdown)
printf '%s\n' "$json" >docs/taxonomy.json.new
if grep -qxF "$marker" docs/taxonomy.md; then
    # The hand-written introduction: every line before the marker.
    awk -v marker="$marker" '$0 == marker { exit } { print }' docs/taxonomy.md >docs/taxonomy.md.new
else
    printf '# ProvKit taxonomy\n\n' >docs/taxonomy.md.new
fi
printf '%s\n%s\n' "$marker" "$markdown" >>docs/taxonomy.md.new
mv docs/taxonomy.json.new docs/taxonomy.json
mv docs/taxonomy.md.new docs/taxonomy.md
echo "regenerated docs/taxonomy.json and docs/taxonomy.md"
