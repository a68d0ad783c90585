#!/bin/sh
# Install the dashboard's front-end libraries from npm (exact versions, package-lock.json)
# and copy the files the pages load into src/downline/web/static/vendor/.
# The copied files are committed, so running the dashboard never needs npm or a CDN;
# run this script again only after changing a version in package.json.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../src/downline/web/static/vendor"
cd "$here"
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi
mkdir -p "$vendor"
cp node_modules/plotly.js-dist-min/plotly.min.js "$vendor/plotly.min.js"
cp node_modules/cytoscape/dist/cytoscape.min.js "$vendor/cytoscape.min.js"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js "$vendor/swagger-ui-bundle.js"
cp node_modules/swagger-ui-dist/swagger-ui.css "$vendor/swagger-ui.css"
for pkg in plotly.js-dist-min cytoscape swagger-ui-dist; do
    version=$(node -p "require('./node_modules/$pkg/package.json').version")
    echo "$pkg $version"
done > "$vendor/VERSIONS.txt"
cp node_modules/plotly.js-dist-min/LICENSE "$vendor/plotly.LICENSE" 2>/dev/null || true
cp node_modules/cytoscape/LICENSE "$vendor/cytoscape.LICENSE" 2>/dev/null || true
cp node_modules/swagger-ui-dist/LICENSE "$vendor/swagger-ui.LICENSE" 2>/dev/null || true
cat "$vendor/VERSIONS.txt"
