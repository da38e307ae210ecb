# threads.sh PID OUTFILE: per-thread name utime stime
pid=$1; for t in /proc/$pid/task/*; do n=$(cat $t/comm 2>/dev/null); s=($(sed 's/.*) //' $t/stat 2>/dev/null)); echo "${t##*/} ${n// /_} ${s[11]} ${s[12]}"; done > $2
