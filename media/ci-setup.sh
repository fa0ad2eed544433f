#!/usr/bin/env bash
# media tests need: Debian ffmpeg (libx264) to make B-frame samples and watermark attacks, and the official C2PA
# validator (@contentauth/c2pa-wasm) plus TrustNXT's c2pa-ts from npm, pinned in media/c2pa-validator/package-lock.json.
# Idempotent, quiet.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt_install() {
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; then return 0; fi
    echo "media/ci-setup: apt busy or failed, retry $i" >&2; sleep 15
  done
  return 1
}
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
if [ ! -f c2pa-validator/node_modules/@contentauth/c2pa-wasm/package.json ] \
   || [ ! -f c2pa-validator/node_modules/@trustnxt/c2pa-ts/package.json ]; then
  # npm ci rejects this lock file (npm 11 records cbor-extract's optional platform packages without versions);
  # npm install honours the same lock.
  (cd c2pa-validator && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
