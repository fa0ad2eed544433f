#!/usr/bin/env bash
# Manual check (not run in CI): does headless Chromium play an MP4, and does its first frame's colour match FFmpeg's
# decode (a wrongly flagged colour range shows up as a shift of ~15 grey levels)?
# usage: media/check-chromium.sh FILE.mp4 X Y      (needs Debian's chromium and ffmpeg)
set -euo pipefail
file=$(realpath "$1"); x=${2:-10}; y=${3:-10}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$file" "$work/v.mp4"
cat > "$work/index.html" <<HTML
<html><body><video id="v" src="v.mp4" muted playsinline></video><pre id="out">pending</pre><script>
const v = document.getElementById('v'), out = document.getElementById('out');
v.addEventListener('error', () => { out.textContent = 'ERROR ' + (v.error && v.error.message); });
v.addEventListener('loadeddata', () => { v.play().then(() => { v.pause(); v.currentTime = 0; }); });
v.addEventListener('seeked', () => {
  const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0);
  out.textContent = 'chromium: plays ' + v.videoWidth + 'x' + v.videoHeight + ', first frame pixel ($x,$y) = '
    + Array.from(g.getImageData($x, $y, 1, 1).data).slice(0, 3).join(',');
});
</script></body></html>
HTML
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --allow-file-access-from-files \
  --virtual-time-budget=3000 --dump-dom "file://$work/index.html" 2>/dev/null | grep -o '<pre id="out">[^<]*' | sed 's/<pre id="out">//'
w=$(ffprobe -v error -select_streams v:0 -show_entries stream=width -of csv=p=0 "$file")
ffmpeg -loglevel error -i "$file" -frames:v 1 -f rawvideo -pix_fmt rgb24 - | python3 -c "
import sys; d = sys.stdin.buffer.read(); o = ($y * $w + $x) * 3
print('ffmpeg:   first frame pixel ($x,$y) = %d,%d,%d' % tuple(d[o:o + 3]))"
