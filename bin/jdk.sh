# shellcheck shell=bash
# Sourced by the project's scripts: exports JAVA_HOME (and PATH) for a JDK >= 21.
# Order: $JAVA_HOME if new enough, `java` on PATH if new enough, then the newest JDK under /usr/lib/jvm.

_cvmavs_java_major() { # $1 = path to a java binary; prints its feature version or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

_cvmavs_pick_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(_cvmavs_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(_cvmavs_java_major "$candidate/bin/java")
    if [ "${major:-0}" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(_cvmavs_java_major "$candidate/bin/java")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  [ -n "$best" ] && echo "$best"
}

_cvmavs_jdk=$(_cvmavs_pick_jdk)
if [ -z "$_cvmavs_jdk" ]; then
  echo "cvm-avs: no JDK 21 or newer found (checked JAVA_HOME, PATH and /usr/lib/jvm)." >&2
  echo "cvm-avs: install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$_cvmavs_jdk"
export PATH="$JAVA_HOME/bin:$PATH"
unset _cvmavs_jdk  # _cvmavs_java_major stays defined for callers
