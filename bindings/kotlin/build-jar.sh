#!/usr/bin/env bash
# Builds target/bindings/jvm/dcc-verify-<version>.jar for the JVM (desktop and server Kotlin or
# Java): the generated Kotlin bindings, compiled, and the native library at JNA's resource path
# (linux-x86-64/libdcc_verify.so on x86-64 Linux), so that
#
#   java -cp dcc-verify-<version>.jar:jna.jar:kotlin-stdlib.jar your.MainKt
#
# finds the library with no -Djna.library.path. Its dependencies are JNA and the Kotlin
# standard library. (Android apps take the AAR of bindings/android instead.)
#
# It also lays the jar out as a Maven repository, target/bindings/maven, with a POM naming those
# two dependencies, so Gradle and Maven take it by its coordinates
# eu.dcc.verify:dcc-verify-jvm:<version> (see docs/bindings.md).
#
#   bindings/kotlin/build-jar.sh LIBRARY GENERATED_KOTLIN_DIR
#
# LIBRARY is the mobile-profile cdylib, GENERATED_KOTLIN_DIR what uniffi-bindgen generated from it;
# bindings/test.sh builds both and calls this. Needs kotlinc (bindings/kotlin/node_modules, from
# npm) and JNA (/usr/share/java/jna.jar, Debian's libjna-java). Prints the jar's path.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=${1:?usage: build-jar.sh LIBRARY GENERATED_KOTLIN_DIR}
GENERATED=${2:?usage: build-jar.sh LIBRARY GENERATED_KOTLIN_DIR}
KOTLINC=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc
JNA=${JNA:-/usr/share/java/jna.jar}
OUT=$ROOT/target/bindings/jvm

version=$(sed -nE 's/^version = "([^"]+)"/\1/p' "$ROOT/bindings/ffi/Cargo.toml" | head -n 1)
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x86-64 ;;
    Linux-aarch64) platform=linux-aarch64 ;;
    Darwin-x86_64) platform=darwin-x86-64 ;;
    Darwin-arm64) platform=darwin-aarch64 ;;
    *) echo "build-jar.sh: no JNA resource prefix known for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
jar=$OUT/dcc-verify-$version.jar

mkdir -p "$OUT"
sources=$(find "$GENERATED" -name '*.kt' | sort)
[[ -n "$sources" ]] || { echo "build-jar.sh: no Kotlin sources in $GENERATED" >&2; exit 2; }

# kotlinc takes ~25 s: recompile only when the generated code or the compiler changed.
# shellcheck disable=SC2086
sha256sum $sources "$KOTLINC" >"$OUT/classes.sha256.new"
if [[ -d "$OUT/classes" ]] && cmp -s "$OUT/classes.sha256.new" "$OUT/classes.sha256"; then
    echo "generated Kotlin unchanged: reusing the compiled classes" >&2
else
    rm -rf "$OUT/classes" "$OUT/classes.sha256"
    # shellcheck disable=SC2086
    "$KOTLINC" -nowarn -cp "$JNA" -d "$OUT/classes" $sources >&2
    mv "$OUT/classes.sha256.new" "$OUT/classes.sha256"
fi

# The library goes in fresh every time: it changes without the generated code changing.
rm -rf "$OUT/classes/$platform"
mkdir -p "$OUT/classes/$platform"
cp "$LIB" "$OUT/classes/$platform/$(basename "$LIB")"
rm -f "$jar"
jar --create --file "$jar" -C "$OUT/classes" .

# The Maven repository: the jar under its coordinates, its POM, and the SHA-256 and SHA-1 sums
# Maven and Gradle check. The Kotlin standard library's version is the compiler's.
kotlin_version=$("$KOTLINC" -version 2>&1 | sed -nE 's/.*kotlinc-jvm ([0-9.]+).*/\1/p')
[[ -n "$kotlin_version" ]] || { echo "build-jar.sh: cannot tell kotlinc's version" >&2; exit 2; }
maven=$ROOT/target/bindings/maven/eu/dcc/verify/dcc-verify-jvm
rm -rf "$maven"
mkdir -p "$maven/$version"
cp "$jar" "$maven/$version/dcc-verify-jvm-$version.jar"
cat >"$maven/$version/dcc-verify-jvm-$version.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>eu.dcc.verify</groupId>
  <artifactId>dcc-verify-jvm</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <name>dcc-verify (JVM)</name>
  <description>Offline verifier for HCERT health certificate QR codes: Kotlin bindings with the $platform native library</description>
  <licenses>
    <license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license>
  </licenses>
  <dependencies>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>5.13.0</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>$kotlin_version</version>
    </dependency>
  </dependencies>
</project>
POM
cat >"$maven/maven-metadata.xml" <<META
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>eu.dcc.verify</groupId>
  <artifactId>dcc-verify-jvm</artifactId>
  <versioning>
    <latest>$version</latest>
    <release>$version</release>
    <versions><version>$version</version></versions>
  </versioning>
</metadata>
META
for file in "$maven/$version"/*.jar "$maven/$version"/*.pom "$maven/maven-metadata.xml"; do
    sha256sum "$file" | cut -d' ' -f1 >"$file.sha256"
    sha1sum "$file" | cut -d' ' -f1 >"$file.sha1"
done
echo "$jar"
