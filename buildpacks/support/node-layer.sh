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
  # From <dir>, not <dir>/node_modules: a workspace's member folders have .bin shims of their own.
  find "$1" -path '*/node_modules/.bin/*' -type f -exec \
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
  if [ "$1" = pnpm ] && [ -f pnpm-workspace.yaml ]; then pnpm rebuild --recursive
  elif [ "$1" = pnpm ]; then pnpm rebuild
  else npm rebuild --foreground-scripts; fi
}

# node_layer_prune <pm> <dir>: drop devDependencies from <dir>/node_modules.
node_layer_prune() {
  if [ "$1" = pnpm ] && [ -f "$2/pnpm-workspace.yaml" ]; then node "$support/prune-pnpm-workspace.mjs" "$2"
  elif [ "$1" = pnpm ]; then (cd "$2" && pnpm prune --prod)
  else node "$support/prune-dev.mjs" "$2"; fi
}

# A workspace's layer (builds/deps/node-workspace.ts) also holds each member's folder: its
# package.json and the node_modules the install made there.

# node_layer_members <layer>: the member folders of <layer> with a node_modules, one a line.
node_layer_members() {
  (cd "$1" && find . -path ./node_modules -prune -o -type d -name node_modules -prune -print) | sed 's|^\./||; s|/node_modules$||'
}

# node_layer_copy_members <layer> <dir>: each member's node_modules, writable, in <dir> (for a build).
node_layer_copy_members() {
  node_layer_members "$1" | while IFS= read -r member; do
    rm -rf "${2:?}/$member/node_modules"
    mkdir -p "$2/$member"
    cp -R "$1/$member/node_modules" "$2/$member/node_modules"
    chmod -R u+w "$2/$member/node_modules"
  done
}

# node_layer_link <layer> <dir>: a workspace release's node_modules, sharing the layer. Workspace
# links are relative (pnpm: apps/web/node_modules/@acme/greeting -> ../../../../packages/greeting,
# npm: node_modules/@acme/greeting -> ../packages/greeting) and, read inside the layer, lead to
# member folders holding only package.json. So <dir>'s node_modules folders are real ones: each
# package a link into the layer, and the layer's relative links copied as they are, so they
# resolve from <dir> (to the members' sources, or through <dir>/node_modules/.pnpm to the layer).
node_layer_link() {
  # The build's copies go first: a member whose packages were all devDependencies has none in <layer>.
  node_layer_members "$2" | while IFS= read -r member; do rm -rf "${2:?}/$member/node_modules"; done
  node_layer_link_tree "$1/node_modules" "$2/node_modules"
  node_layer_members "$1" | while IFS= read -r member; do
    rm -rf "${2:?}/$member/node_modules"
    node_layer_link_tree "$1/$member/node_modules" "$2/$member/node_modules"
  done
}

node_layer_link_tree() {
  local from="$1" to="$2" entry name
  mkdir -p "$to"
  for entry in "$from"/* "$from"/.[!.]*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    name=$(basename "$entry")
    if [ -L "$entry" ]; then cp -P "$entry" "$to/$name"
    elif [ -d "$entry" ] && [ "${name#@}" != "$name" ]; then node_layer_link_tree "$entry" "$to/$name"
    else ln -s "$entry" "$to/$name"; fi
  done
}
