import re,sys
def load(p):
    d={}
    for line in open(p):
        m=re.match(r'bellwether_raft_sync_seconds_bucket\{.*le="([^"]+)".*\} (\S+)',line)
        if m: d[m.group(1)]=float(m.group(2))
        m=re.match(r'bellwether_raft_sync_seconds_sum\{.*\} (\S+)',line)
        if m: d['sum']=float(m.group(1))
    return d
for run in sys.argv[1:]:
    for n in ("n1","n2","n3"):
        try: a=load(f"{run}/metrics-after-{n}.txt"); b=load(f"{run}/metrics-before-{n}.txt")
        except Exception: continue
        tot=a['+Inf']-b.get('+Inf',0)
        ks=sorted([k for k in a if k not in('+Inf','sum')],key=float)
        def q(p):
            for k in ks:
                if (a[k]-b.get(k,0))/tot>=p: return float(k)*1000
            return float('inf')
        print(f"{run} {n} syncs={int(tot)} mean={(a['sum']-b['sum'])/tot*1000:.2f}ms p50<={q(.5):.2f} p90<={q(.9):.2f} p99<={q(.99):.2f}")
