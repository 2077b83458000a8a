#!/usr/bin/env python3
# A job trace (docs/simulation.md csv: submit_ts,duration_s,cpu,memory,labels) with a known regime change: three days
# of Poisson arrivals around a daily cycle (10 jobs a minute, +-60 %), run times exponential with mean 120 s, the
# rate x 1.8 from 2023-11-15T12:00:00Z. Seeded, so every run writes the same file. Used by docs/models.md
# (`simulate --online`).
import math, random, sys
random.seed(7)
start = 1699920000  # 2023-11-14T00:00:00Z
days = 3
change = start + int(1.5 * 86400)  # 2023-11-15T12:00:00Z
rows = []
t = float(start)
end = start + days * 86400
while t < end:
    hour = ((t - start) % 86400) / 3600
    rate = 10 * (1 + 0.6 * math.sin(2 * math.pi * (hour - 8) / 24))  # jobs per minute
    if t >= change:
        rate *= 1.8
    t += random.expovariate(rate / 60)
    if t >= end:
        break
    rows.append((int(t), max(5, int(random.expovariate(1 / 120)))))
print("submit_ts,duration_s,cpu,memory,labels")
for ts, d in rows:
    print(f"{ts},{d},1,1024,")
sys.stderr.write(f"{len(rows)} jobs, change at {change}\n")
