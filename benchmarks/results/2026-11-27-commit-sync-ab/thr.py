import sys,collections
run,n=sys.argv[1],sys.argv[2]
def load(p):
    d={}
    for l in open(p):
        f=l.split()
        if len(f)==4: d[f[0]]=(f[1],int(f[2]),int(f[3]))
    return d
b=load(f"{run}/thr-before-{n}"); a=load(f"{run}/thr-after-{n}")
rows=[]
for tid,(name,u,s) in a.items():
    bu,bs=(b[tid][1],b[tid][2]) if tid in b else (0,0)
    rows.append((u-bu+s-bs,u-bu,s-bs,name))
rows.sort(reverse=True)
tot=sum(r[0] for r in rows)
print(f"{run} {n}: total {tot/100:.1f}s")
for r in rows[:4]: print(f"  {r[0]/100:6.2f}s (user {r[1]/100:.2f} sys {r[2]/100:.2f}) {r[3]}")
