#!/usr/bin/env bash
# Builds the Windows release folder and zip of mikrosync (the Entegra edge worker, or a whole fleet
# on the shop's Windows server): compiled code, db/, .env.example, docs/deploy.md, and production
# dependencies as npm installs them on Windows x64, with better-sqlite3's prebuilt binary for
# WINDOWS_NODE_VERSION. Nothing is compiled, here or on the server. Needs internet access (the npm
# registry, better-sqlite3's release downloads).
#
#   bash scripts/release-windows.sh                       release/mikrosync-<v>-win-x64-node22.zip
#   WINDOWS_NODE_VERSION=24.11.0 bash scripts/release-windows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# A native module loads only in the Node.js major (ABI) it was built for: the server must run this
# major. prebuild-install wants a full version; any release of the major has the same ABI.
node_version=${WINDOWS_NODE_VERSION:-22.12.0}
major=${node_version%%.*}
version=$(node -p "require('./package.json').version")
name="mikrosync-$version-win-x64-node$major"
out=release
stage="$out/$name"

rm -rf "$stage" "$out/$name.zip"
mkdir -p "$stage/docs"
npx tsc -b

# The workspace layout the lockfile describes, with compiled code only (as the Docker image).
cp package.json package-lock.json .env.example "$stage/"
cp docs/deploy.md "$stage/docs/"
cp -r db "$stage/db"
for ws in packages/core packages/mappers packages/connectors apps/workers apps/producer; do
  mkdir -p "$stage/$ws"
  cp "$ws/package.json" "$stage/$ws/"
  cp -r "$ws/dist" "$stage/$ws/dist"
done

# Production dependencies, choosing the optional packages of Windows x64; install scripts off, so
# nothing tries to compile for this machine.
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os=win32 --cpu=x64)

# better-sqlite3's own prebuilt binary for Windows x64 and that Node.js ABI.
(cd "$stage/node_modules/better-sqlite3" && ../.bin/prebuild-install --platform=win32 --arch=x64 --runtime=node --target="$node_version" --verbose)
binary="$stage/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
# A PE file (starts with "MZ"), not a binary for this machine.
[ "$(head -c 2 "$binary")" = "MZ" ] || { echo "release: $binary is not a Windows binary" >&2; exit 1; }

# Windows' unzip makes symbolic links plain files: the workspace links become copies.
for link in "$stage"/node_modules/@mikrosync/*; do
  target=$(readlink -f "$link")
  rm "$link"
  cp -r "$target" "$link"
done
rm -rf "$stage/node_modules/.bin"

(cd "$out" && python3 -m zipfile -c "$name.zip" "$name")
echo "release: $out/$name.zip (Node.js $major on the server)"
