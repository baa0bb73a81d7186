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
# shellcheck disable=SC2086
exec "$java" $JAVA_OPTS -jar "$jar" "$@"
