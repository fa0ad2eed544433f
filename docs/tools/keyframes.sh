#!/bin/bash
# Key frames of videos as one PNG: one row per video, frames 0, 10, 20 and 31 (the start, the thirds and the last
# frame of a 4 s clip at 8 fps), each video scaled to 128 px high. Used for the frames in README.md and
# docs/default-model.md.   usage: docs/tools/keyframes.sh OUT.png VIDEO.mp4 [VIDEO.mp4 ...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OUT.png VIDEO.mp4 [VIDEO.mp4 ...]" >&2; exit 2; }
out=$1; shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
i=0
for v in "$@"; do
  ffmpeg -v error -i "$v" -vf "select='eq(n\,0)+eq(n\,10)+eq(n\,20)+eq(n\,31)',scale=-2:128:flags=neighbor,tile=4x1:padding=2:color=white" \
    -frames:v 1 -fps_mode vfr "$tmp/row$(printf %02d $i).png"
  i=$((i+1))
done
ffmpeg -v error -i "$tmp/row%02d.png" -vf "tile=1x$i:padding=2:color=white" -frames:v 1 "$tmp/all.png"
mv "$tmp/all.png" "$out"
