#!/usr/bin/env bash
#
# Builds the DocC documentation of every library target and fails on any warning.
#
# CI runs this script. Each target's archive goes to .build/docs/<Target>. The swift-docc-plugin dependency is
# switched on by AZURE_KEYVAULT_FILES_DOCS (see Package.swift); snippets come from Snippets/ at the package root.
#
#   bash Scripts/build-docs.sh
#
# Flags per target:
#   --allow-writing-to-directory .build/docs   lets the plugin write outside its own work directory (SwiftPM sandbox)
#   --target <T> --output-path .build/docs/<T> one archive per target
#   --include-extended-types                   the default since Swift 5.9; given so the archives do not change with it
#   --warnings-as-errors                       not a plugin flag: the plugin passes it on to `docc convert`
#
# Anything the plugin or the symbol-graph build still reports as `warning:` (outside docc) fails the run as well.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

targets=(
    AzureCore
    IdentityProviders
    KeyVaultCore
    MountWriter
    SecretsStoreProvider
    CSIProvider
    KeyVaultTesting
    AzureCoreTesting
    KeyVaultConfiguration
)

# Package.swift adds the swift-docc-plugin dependency only when this is set (library clients never resolve it).
export AZURE_KEYVAULT_FILES_DOCS=1

output_root=.build/docs
mkdir -p "$output_root"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

failed=()
for target in "${targets[@]}"; do
    echo "==> $target"
    rm -rf "${output_root:?}/$target"
    if ! swift package --allow-writing-to-directory "$output_root" \
        generate-documentation \
        --target "$target" \
        --output-path "$output_root/$target" \
        --include-extended-types \
        --warnings-as-errors 2>&1 | tee "$log"; then
        failed+=("$target")
        continue
    fi
    # SwiftPM's notes about files inside dependencies (".build/checkouts") are not ours to fix.
    if grep -E '(^|[[:space:]:])warning:' "$log" | grep -vE "found [0-9]+ file\(s\) which are unhandled|\.build/checkouts/" >/dev/null; then
        echo "error: $target: warnings reported:" >&2
        grep -E '(^|[[:space:]:])warning:' "$log" | grep -vE "found [0-9]+ file\(s\) which are unhandled|\.build/checkouts/" >&2
        failed+=("$target")
    fi
done

if ((${#failed[@]} > 0)); then
    echo "error: documentation failed for: ${failed[*]}" >&2
    exit 1
fi
echo "Documentation of ${#targets[@]} targets in $output_root"
