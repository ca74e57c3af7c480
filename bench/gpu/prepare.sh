#!/usr/bin/env bash
# bench/gpu/prepare.sh — run HERE (a machine with JDK 25 and Maven): builds what bench/gpu/run.sh needs on a GPU
# machine that has no JDK, no Maven and no network, into .gpu/ (ignored by git; about 50 MB):
#   .gpu/jdk           a jlink runtime: java.base, jdk.incubator.vector and the modules jdeps finds txc's jars using
#   .gpu/lib/          txc's jars and their dependencies (the CLI's class path)
#   .gpu/test-classes  the runtime's test classes: GpuChecks (the gpu-tagged tests' checks) and its PTX
# Then, through the device tool: command "bash bench/gpu/run.sh", carry [".gpu"], timeout_s 540 (see run.sh).
# Environment: TXC_MVN_ARGS (e.g. -Dmaven.repo.local=/work/m2-NAME -o), JAVA_HOME (default Temurin 25).
set -euo pipefail
root=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$JAVA_HOME/bin:$PATH
cd "$root"
# shellcheck disable=SC2086
mvn -B -q ${TXC_MVN_ARGS:-} install -DskipTests
out=$root/.gpu
rm -rf "$out"
mkdir -p "$out/lib"
driver=$(ls driver/target/txc-driver-*.jar | grep -v -- '-sources' | head -1)
cp "$driver" "$out/lib/"
# the CLI jar's manifest names every dependency by its path in the local Maven repository
for j in $(unzip -p "$driver" META-INF/MANIFEST.MF | tr -d '\r' | sed -e ':a;N;$!ba;s/\n //g' | sed -n 's/^Class-Path: //p'); do
    cp "$j" "$out/lib/"
done
cp -r runtime/target/test-classes "$out/test-classes"
modules=$(jdeps --multi-release 25 --ignore-missing-deps --print-module-deps --class-path "$out/lib/*" "$out"/lib/*.jar 2>/dev/null | tail -1 | sed "s/,jdk.incubator.vector//")
jlink --add-modules "$modules,jdk.incubator.vector" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$out/jdk"
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qx '/.gpu/' "$exclude" 2>/dev/null || echo '/.gpu/' >> "$exclude"
echo "prepared $out ($(du -sh "$out" | cut -f1)): modules $modules,jdk.incubator.vector"
