#!/usr/bin/env sh
# zk2zk launcher: copied by `make all` to ./all_sync and ./t_sync, and into the release package. It
# runs lib/<name>.jar next to itself, so the pair (launcher + lib/) can be copied anywhere and run from any directory.
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
# The release package ships conf/logback.xml (the built-in layout, to edit); a -Dzk2zk.logConfig
# in JAVA_OPTS wins over it.
case "$JAVA_OPTS" in *-Dzk2zk.logConfig=*) ;; *)
  if [ -f "$here/conf/logback.xml" ]; then
    # shellcheck disable=SC2086
    exec "$java" -XX:TieredStopAtLevel=1 $JAVA_OPTS "-Dzk2zk.logConfig=$here/conf/logback.xml" -jar "$jar" "$@"
  fi ;;
esac
# shellcheck disable=SC2086
exec "$java" -XX:TieredStopAtLevel=1 $JAVA_OPTS -jar "$jar" "$@"
