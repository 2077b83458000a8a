#!/usr/bin/python3
"""Writes a seeded synthetic hourly job-arrival series (timestamp,value) for the long-history timing check of
`evaluate series`: Poisson counts around a weekday/weekend daily profile with a slow trend, quiet nights, and
a burst (a release) on about one day in twenty.
    /usr/bin/python3 benchmarks/peers/synthetic_arrivals.py --points 50000 --out /tmp/arrivals_50k.csv
"""
import argparse

import numpy as np
import pandas as pd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    ts = pd.date_range("2020-01-06", periods=a.points, freq="h", tz="UTC")
    hour, dow = ts.hour.values, ts.dayofweek.values
    day = np.where(dow >= 5, 0.25, 1.0)
    shape = np.clip(np.sin(np.pi * (hour - 7) / 12), 0, None)
    trend = 1 + 0.5 * np.arange(a.points) / a.points
    rate = (2 + 40 * day * shape) * trend
    bursts = rng.random(a.points) < 1 / (20 * 24)
    rate = rate + bursts * rng.uniform(50, 200, a.points)
    pd.DataFrame({"timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"), "value": rng.poisson(rate)}).to_csv(a.out, index=False)


if __name__ == "__main__":
    main()
