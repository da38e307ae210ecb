#!/usr/bin/env bash
# threads.sh PID OUTFILE: per thread of process PID, its id, name, utime and stime (clock ticks).
pid=$1
for t in "/proc/$pid/task/"*; do
  n=$(cat "$t/comm" 2>/dev/null)
  read -r -a s < <(sed 's/.*) //' "$t/stat" 2>/dev/null)
  echo "${t##*/} ${n// /_} ${s[11]} ${s[12]}"
done >"$2"
