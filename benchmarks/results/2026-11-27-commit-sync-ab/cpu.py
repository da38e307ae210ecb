import sys,json
run=sys.argv[1]
b=dict(l.split() for l in open(f"{run}/ticks-before")); a=dict(l.split() for l in open(f"{run}/ticks-after"))
ops=int(open(f"{run}/c1.txt").read().split("ops")[1].split()[0]) if False else None
import re
t=open(f"{run}/c1.txt").read()
ops=int(re.search(r'^ops\s+(\d+)',t,re.M).group(1)); thr=float(re.search(r'throughput\s+(\S+)',t).group(1))
dur=ops/thr; total=ops+thr*5  # includes 5 s warm-up
leader=open(f"{run}/info").split()[1] if False else open(f"{run}/info").read().split()[1]
for n in sorted(a):
    cpu=(int(a[n])-int(b[n]))/100
    print(f"{run} {n}{'(L)' if n==leader else ''}: cpu {cpu:.1f}s over {dur+5:.0f}s = {cpu/(dur+5)*100:.0f}% core, {cpu/total*1e6:.0f} us/write")
