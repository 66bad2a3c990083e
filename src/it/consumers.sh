#!/usr/bin/env bash
# The consumer check: installs the freshly built Sluice jar into a throwaway local Maven repository and builds two
# outside projects against it, as a JVM team would — a class-path application and a JPMS module. Each compiles the
# README's examples (generated from README.md by ReadmeExamples.java) and trains an MLP, and each must resolve exactly
# one dependency: the Sluice jar. Also checks strict mode on the class path without --add-modules.
# Run by `./sluice test` after `mvn verify`; needs target/sluice-<version>.jar.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\|[0-9.]*\)</version>.*:\1:p' pom.xml | head -1)
jar="target/sluice-$version.jar"
[[ -f $jar ]] || { echo "consumers: $jar is missing (run mvn package first)" >&2; exit 1; }
java="$JAVA_HOME/bin/java"
work="$root/target/consumers"
rm -rf "$work"
mkdir -p "$work"

# The throwaway local repository: Maven's plugins come from the usual one through symbolic links, so nothing is
# downloaded twice; dev/sluice is a real folder, so the consumers can only find the jar installed here.
home_repo="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
repo="$work/m2"
source "$root/src/it/throwaway-repo.sh"
link_throwaway_repo "$home_repo" "$repo"
mvn_c=(mvn -B -q --no-transfer-progress -Dstyle.color=never "-Dmaven.repo.local=$repo")
"${mvn_c[@]}" install:install-file "-Dfile=$jar" -DpomFile=pom.xml \
  "-Dsources=target/sluice-$version-sources.jar" "-Djavadoc=target/sluice-$version-javadoc.jar"

fail() { echo "consumers: $*" >&2; exit 1; }

for app in classpath-app module-app; do
  dir="$work/$app"
  mkdir -p "$dir/src/main/java/consumer"
  cp src/it/$app/pom.xml "$dir/"
  cp src/it/common/consumer/*.java "$dir/src/main/java/consumer/"
  [[ -f src/it/$app/module-info.java ]] && cp src/it/$app/module-info.java "$dir/src/main/java/"
  "$java" src/it/ReadmeExamples.java README.md "$dir/src/main/java/consumer" consumer \
    "Generator gen = new Generator(42);" "GradientRouting.apply(model, router, labels)" \
    "ShrinkPerturb.builder(0.8, 0.1, 42)" "Sluice.setStrictKernels(true);" "F.layerNorm(x, new int[] {4, 16});" "CausalLM model = HfModels.load(dir);" "GPT model = new GPT(new GPT.Config(16, 16, 32, 2, 2, 0.0), new Generator(7)).to(gpu);" \
    "List<LocalAllReduce> comms = LocalAllReduce.create(ranks);"
  (cd "$dir" && "${mvn_c[@]}" "-Dsluice.version=$version" compile dependency:list dependency:build-classpath \
      -DoutputFile=deps.txt -DincludeScope=runtime -Dmdep.outputFile=classpath.txt -DexcludeTransitive=false) \
    || fail "$app does not build against $jar"
  deps=$(grep -E '^ +[^ ]+:[^ ]+:' "$dir/deps.txt" | sed -E 's/^ +//; s/ -- .*//' | sort)
  [[ $deps == "dev.sluice:sluice:jar:$version:compile" ]] \
    || fail "$app resolves more than the Sluice jar:"$'\n'"$deps"
  cp=$(cat "$dir/classpath.txt")
  [[ $cp == *"sluice-$version.jar" && $cp != *:* ]] || fail "$app's class path is not the Sluice jar alone: $cp"
  echo "consumers: $app resolves exactly dev.sluice:sluice:$version"
done

# the class-path application, with the vector module added as the README says
out=$("$java" --add-modules jdk.incubator.vector -cp "$work/classpath-app/target/classes:$(cat "$work/classpath-app/classpath.txt")" \
  -Dsluice.strict=true consumer.Main 2>&1) || fail "the class-path app failed:"$'\n'"$out"
echo "$out" | sed 's/^/  classpath-app: /'
# ... and the module: only `requires dev.sluice`, nothing added on the command line
out=$("$java" -p "$work/module-app/target/classes:$(cat "$work/module-app/classpath.txt")" -m consumer.app/consumer.Main 2>&1) \
  || fail "the module app failed:"$'\n'"$out"
echo "$out" | sed 's/^/  module-app: /'
[[ $out == *"vectorized true"* ]] || fail "the module app did not get the vector kernels"

# strict mode on the class path without --add-modules: one clear failure naming the missing flag
if out=$("$java" -cp "$work/classpath-app/target/classes:$(cat "$work/classpath-app/classpath.txt")" -Dsluice.strict=true \
    consumer.Main 2>&1); then
  fail "strict mode did not refuse the scalar fallback:"$'\n'"$out"
fi
[[ $out == *"--add-modules jdk.incubator.vector"* ]] || fail "strict mode's failure does not name the flag:"$'\n'"$out"
echo "consumers: strict mode without --add-modules fails naming the flag"
echo "consumers: OK"
