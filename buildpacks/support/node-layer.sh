# Node dependency layers inside the sandbox (sourced by nodejs.nix and docker-build.mjs).
# The engine fetched the layer outside the sandbox with scripts off, into a directory of its
# own. npm's and yarn's layouts move as they are; pnpm's remembers where it was made (its store
# in node_modules/.modules.yaml, NODE_PATH in its .bin shims), which node_layer_relocate fixes.

# node_layer_relocate <dir>: make <dir>/node_modules (absolute <dir>) pnpm-usable where it is.
node_layer_relocate() {
  [ -f "$1/node_modules/.modules.yaml" ] || return 0
  # pnpm refuses to touch node_modules linked from another store; this one is never read.
  export npm_config_store_dir="$TMPDIR/pnpm-store"
  sed -i "s|^storeDir: .*|storeDir: $TMPDIR/pnpm-store/v3|" "$1/node_modules/.modules.yaml"
  find "$1/node_modules" -path '*/.bin/*' -type f -exec \
    sed -i "s|[^\":]*/node_modules/\\.pnpm/|$1/node_modules/.pnpm/|g" {} +
}

# node_layer_copy <layer> <dir>: the layer's files, writable, in <dir>.
node_layer_copy() {
  mkdir -p "$2"
  cp -R "$1"/. "$2"/
  chmod -R u+w "$2"
  node_layer_relocate "$2"
}

# node_layer_rebuild <pm>: run the install scripts the fetch skipped, here, offline.
node_layer_rebuild() {
  if [ "$1" = pnpm ]; then pnpm rebuild; else npm rebuild --foreground-scripts; fi
}

# node_layer_prune <pm> <dir>: drop devDependencies from <dir>/node_modules.
node_layer_prune() {
  if [ "$1" = pnpm ]; then (cd "$2" && pnpm prune --prod); else node "$support/prune-dev.mjs" "$2"; fi
}
