#!/usr/bin/env bash
# Sets up a fresh Debian 12 checkout: the Debian packages the tests and the viewer need, the npm
# packages, and the open medical images (downloaded once into .cache/). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: headless browser for the end-to-end tests, and its SwiftShader Vulkan driver, which
#           gives WebGPU in Node without a GPU. libvulkan1: the Vulkan loader Dawn (npm 'webgpu') opens.
# orthanc, orthanc-dicomweb: the PACS the end-to-end tests store results to (and `npm start -- --orthanc`).
# python3-torch, python3-pytest: the PyTorch twin (packages/torch-twin) and its tests. libopenblas0-pthread:
#           without it Debian's torch multiplies matrices with the reference BLAS, about 30x slower.
# dicom3tools: dciodvfy, which checks every DICOM object the tests write against its IOD.
# redis-server: the job queue of the batch service (apps/batch); its tests start their own instance.
APT_PACKAGES=(chromium libvulkan1 orthanc orthanc-dicomweb python3-torch python3-pytest libopenblas0-pthread dicom3tools redis-server)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null; then sudo "$@";
  else echo "setup: run as root: $*" >&2; exit 1; fi
}
# The open-data step uses `apt-get download`, which needs package lists even when nothing is missing.
if [ ${#missing[@]} -gt 0 ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
  as_root apt-get update
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Open scans from Debian packages (apt-get download + dpkg -x, no root), the training datasets
# built from them, and the viewer's sample studies: all cached in .cache/, a no-op when present.
npm run --silent -w @meddiff/imaging setup-data
# The prebuilt OHIF app (npm pack @ohif/app, cached), the extension build, sample studies and model weights.
npx nx run @meddiff/viewer:prepare-viewer --outputStyle=stream
# The adopter tests (apps/adopter) install the packed packages into fresh folders with --offline: fill
# npm's cache with what those installs need (once about 40 s; later runs fetch only what is missing).
npx nx run @meddiff/adopter:prefetch --outputStyle=stream
echo "setup: done"
