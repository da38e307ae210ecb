import re,sys
def load(p,name):
    d={}
    for line in open(p):
        m=re.match(name+r'_bucket\{(.*)le="([^"]+)".*\} (\S+)',line)
        if m and ('op="put"' in m.group(1) or 'op' not in m.group(1)) and 'outcome="ok"' in m.group(1):
            d[m.group(2)]=d.get(m.group(2),0)+float(m.group(3))
    return d
run=sys.argv[1]; n=sys.argv[2]
a=load(f"{run}/metrics-after-{n}.txt",'bellwether_kv_write_seconds'); b=load(f"{run}/metrics-before-{n}.txt",'bellwether_kv_write_seconds')
tot=a['+Inf']-b.get('+Inf',0)
ks=sorted([k for k in a if k!='+Inf'],key=float)
def q(p):
    for k in ks:
        if (a[k]-b.get(k,0))/tot>=p: return float(k)*1000
print(f"{run} {n} server-side put: n={int(tot)} p50<={q(.5):.2f} p90<={q(.9):.2f} p99<={q(.99):.2f} p99.9<={q(.999):.2f}")
