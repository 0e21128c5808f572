#!/usr/bin/env bash
# Sourced by ./dml4j, ./run-tests and .ci/run: sets JAVA_HOME to a JDK >= 21.
# Order: $JAVA_HOME if it is >= 21, else the newest JDK >= 21 under /usr/lib/jvm, else `java` on PATH if >= 21.

_dml4j_java_major() {  # prints the major version of the java binary given as $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

dml4j_find_jdk() {
  local cand major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(_dml4j_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then export JAVA_HOME; return 0; fi
  fi
  for cand in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$cand/bin/javac" ] || continue
    major=$(_dml4j_java_major "$cand/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then best="$cand"; best_major="$major"; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(_dml4j_java_major "$cand/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then best="$cand"; fi
  fi
  if [ -z "$best" ]; then
    echo "dml4j: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm)." >&2
    echo "dml4j: install one (e.g. 'apt-get install openjdk-21-jdk' or a Temurin 21+/25 JDK) and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

dml4j_find_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "dml4j: Maven not found; installing Debian's maven package" >&2
    (apt-get update -qq && apt-get install -y -qq maven) >&2 || {
      echo "dml4j: could not install Maven; install Apache Maven 3.8+ and put 'mvn' on PATH." >&2; return 1; }
  fi
}
