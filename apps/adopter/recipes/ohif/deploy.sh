#!/bin/sh
# sh deploy.sh <folder the OHIF app is served from>, where @meddiff/ohif-extension and @meddiff/ohif-mode
# are installed: copies their prebuilt plugins into OHIF's layout, plugins/<package>/<version>/.
set -e
for p in @meddiff/ohif-extension @meddiff/ohif-mode; do
  folder="$1/$(node -p "require('$p/plugins/ohif-runtime-plugin.json').importPath.replace(/[^/]*\$/, '')")"
  mkdir -p "$folder" && cp -R "node_modules/$p/dist/plugins/." "$folder"
done
