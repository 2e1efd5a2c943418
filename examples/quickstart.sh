#!/usr/bin/env bash
# Segments the dog in the example photo with MobileSAM: the official mobile_sam.pt when it can be
# downloaded (cached under $SAM4J_HOME, default ~/.sam4j), otherwise the MobileSAM fixture
# checkpoint (same architecture, random weights: the masks are noise, but everything runs).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
fixtures="${SAM4J_FIXTURES:-$root/../shared/fixtures}"
model=mobile_sam
if ! bin/sam4j models pull mobile_sam --quiet 2>/dev/null; then
  echo "quickstart: the official mobile_sam.pt could not be downloaded; using the MobileSAM" \
       "fixture checkpoint $fixtures/mobilesam-random.pt instead (random weights)" >&2
  model="$fixtures/mobilesam-random.pt"
fi
bin/sam4j segment --model "$model" --image "$fixtures/images/dog.jpg" \
  --point 300,330 --box 150,170,450,534 --multimask --polygons --out out/quickstart
echo "quickstart: wrote out/quickstart (dog.json, dog.overlay.png, masks, polygons)"
