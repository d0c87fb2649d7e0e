# Java with Maven: `mvn -o -B -DskipTests package` in one step, with no network, on JDK 17
# (Debian's, chosen by JAVA_HOME: the machine may have other JDKs).
#   - Maven is Debian's, or the distribution a committed wrapper names, which the engine fetched
#     into the dependency layer (layer/maven/apache-maven-<v>); ./mvnw itself is never run.
#   - The artifacts come from the layer's local repository (packages/engine/src/builds/deps/
#     maven.ts). Maven writes into its local repository as it builds, and the layer is read-only
#     in the store: the build gets a tree of links to it in $TMPDIR, with directories it may write.
# The artifact is the jars the build leaves in target/ (not target/classes, not the source), at
# the same path in $out/app, so the plan's `java -jar target/<name>.jar` finds them; JDK 17's
# bin/ goes first on the runtime's PATH.
{ toolchain, src, deps, planJson, tools ? "" }:
let
  lib = import ./lib.nix { inherit toolchain; };
  # Debian's name for the machine's architecture, as in the JDK's directory.
  debianArch = if builtins.currentSystem == "aarch64-linux" then "arm64" else "amd64";
in
lib.mkStep {
  name = "app";
  env = {
    src = lib.cleanSource (/. + src);
    layer = lib.storeInput deps;
    javaHome = "/usr/lib/jvm/java-17-openjdk-${debianArch}";
  };
  script = ''
    stage build
    export JAVA_HOME="$javaHome"
    export PATH="$JAVA_HOME/bin:$PATH" MAVEN_SKIP_RC=1 MAVEN_OPTS="-Djava.io.tmpdir=$TMPDIR"
    mvn=/usr/share/maven/bin/mvn
    maven="the platform's Maven"
    repo="$TMPDIR/m2"
    mkdir -p "$repo"
    if [ -n "$layer" ]; then
      for m in "$layer"/maven/apache-maven-*/bin/mvn; do
        if [ -f "$m" ]; then mvn="$m"; maven="the wrapper's Maven"; fi
      done
      cp -rs "$layer/repository/." "$repo/"
      chmod -R u+w "$repo"
    fi
    cp -R "$src" "$TMPDIR/app"
    chmod -R u+w "$TMPDIR/app"
    cd "$TMPDIR/app"
    version=$(sh "$mvn" -v 2>/dev/null | head -n 1 | sed -n 's/.*Apache Maven \([0-9][0-9.]*\).*/\1/p')
    echo "-----> Maven $version ($maven) on $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), offline"
    # -B: batch mode, no colours in the log.
    if ! sh "$mvn" -o -B -ntp -DskipTests -Dmaven.repo.local="$repo" package > "$TMPDIR/mvn.log" 2>&1; then
      cat "$TMPDIR/mvn.log"
      missing=$(sed -n 's/.*the artifact \([^ ]*\) has not been downloaded from it before.*/\1/p' "$TMPDIR/mvn.log" | head -n 1)
      if [ -n "$missing" ]; then
        fail "the offline build needs $missing, which the dependency fetch did not get (a plugin that resolves artifacts as it runs, or a Maven extension). Name it as a dependency of its plugin in pom.xml."
      fi
      if grep -q 'COMPILATION ERROR' "$TMPDIR/mvn.log"; then
        fail "the Java code does not compile (JDK 17); the log above says where."
      fi
      fail "mvn package failed (Maven $version, JDK 17); the log above says why."
    fi
    cat "$TMPDIR/mvn.log"
    stage artifact
    mkdir -p "$out/app/target"
    found=""
    for jar in target/*.jar; do
      if [ -f "$jar" ]; then cp "$jar" "$out/app/target/"; found=1; fi
    done
    if [ -z "$found" ]; then
      fail "the build left no jar in target/ (is pom.xml's packaging jar?); the web command runs java -jar target/<name>.jar."
    fi
    runtime_env "JAVA_HOME=$JAVA_HOME" "PATH=$JAVA_HOME/bin:\$PATH"
    echo "-----> app ready: $(cd "$out/app" && ls target/*.jar | tr '\n' ' ')"
  '';
}
