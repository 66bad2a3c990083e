#!/usr/bin/env bash
# Builds and tests sluice-spark (spark/) against the freshly built core jar, as an outside project would: the core jar
# is installed into a throwaway local Maven repository (plugins and Spark come from the usual one through symbolic
# links, so nothing is downloaded twice), and `mvn -f spark/pom.xml` resolves dev.sluice:sluice from there only.
#   spark/build.sh [maven goals and args]     default: verify
# Run by `./sluice test` after the core's tests and the consumer check; needs target/sluice-<version>.jar.
# The launcher's `./sluice sweep` runs `spark/build.sh package -DskipTests` to get the module's jar and class path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\|[0-9.]*\)</version>.*:\1:p' pom.xml | head -1)
spark_version=$(sed -n 's:.*<version>\(.*-SNAPSHOT\|[0-9.]*\)</version>.*:\1:p' spark/pom.xml | head -1)
[[ $version == "$spark_version" ]] || { echo "spark: spark/pom.xml has version $spark_version, the core $version" >&2; exit 1; }
jar="target/sluice-$version.jar"
[[ -f $jar ]] || { echo "spark: $jar is missing (run mvn package first)" >&2; exit 1; }

home_repo="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
repo="$root/target/spark-m2"
rm -rf "$repo"
mkdir -p "$home_repo"
# Spark's first download lands in the usual repository too: create its top-level folders there before linking
for group in org com io net javax jakarta; do mkdir -p "$home_repo/$group"; done
source "$root/src/it/throwaway-repo.sh"
link_throwaway_repo "$home_repo" "$repo"
mvn_c=(mvn -B --no-transfer-progress -Dstyle.color=never "-Dmaven.repo.local=$repo")
"${mvn_c[@]}" -q install:install-file "-Dfile=$jar" -DpomFile=pom.xml
status=0
"${mvn_c[@]}" -f spark/pom.xml "${@:-verify}" || status=$?
# groups Spark brought that the usual repository did not have yet: keep them there for the next run
for entry in "$repo"/*; do
  name=$(basename "$entry")
  [[ -L $entry || $name == dev || -e $home_repo/$name ]] || mv "$entry" "$home_repo/"
done
exit $status
