#!/usr/bin/env sh
# zk2zk launcher: copied by `make all` to ./all_sync and ./t_sync. It runs lib/<name>.jar next to
# itself, so the pair (launcher + lib/) can be copied anywhere and run from any directory.
# JAVA_OPTS is passed to the JVM (heap size, system properties), as JVM launchers conventionally do.
set -e
self="$0"
while [ -h "$self" ]; do
  link=$(ls -ld "$self" | sed 's/.*-> //')
  case "$link" in /*) self="$link" ;; *) self="$(dirname "$self")/$link" ;; esac
done
here=$(cd "$(dirname "$self")" && pwd)
name=$(basename "$self" | tr '_' '-')
jar="$here/lib/$name.jar"
if [ ! -f "$jar" ]; then
  echo "$(basename "$self"): cannot find $jar (run 'make all' first, or keep lib/ next to the launcher)" >&2
  exit 1
fi
if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
# The daemons wait on the network, not on the CPU: C1 alone compiles them for a fraction of the CPU
# that C2 burns in the first seconds (CPU that servers on the same host need; docs/performance.md).
# JAVA_OPTS comes after it, so -XX:TieredStopAtLevel=4 there restores C2.
# shellcheck disable=SC2086
exec "$java" -XX:TieredStopAtLevel=1 $JAVA_OPTS -jar "$jar" "$@"
