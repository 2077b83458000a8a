#!/usr/bin/python3
"""Ablations of the HistGradientBoostingRegressor peer of arrival_peers.py at one horizon (default h = 48), to find
which of its features or settings carries its advantage over GBM-median (src/Foresight.Forecasting/Models/Gbm/
LevelGbmForecaster.cs). Same series, training part (first 70 %), origins (every --step steps over the rest), MASE
scale and anomaly-window masking as arrival_peers.py; the peer is fitted once on the last 8 weeks of the training
part (a variant may refit). Prints one line per variant: `<series> <variant> <mase at h> cpu <seconds>`.

A variant is a JSON object of switches (all optional; {} is the peer itself):
    rel: 1        label and lag / same-phase features relative to the recent level (median of the last `span`
                  values, default 12), the level a feature — GBM-median's anchoring
    span: n       steps of the level's median
    rawfeat: 1    with rel: the features stay on the raw scale, only the label is relative
    med: 1        the median of the last day before the origin as an extra feature
    nolag / nocal / noday / noweek: 1   drop lags 1–2 / hour and day of week / the day-ago / the week-ago value
    ks: [..]      train one model on these steps (the step a feature), as GBM-median's horizon bands do
    msl: n        min_samples_leaf (default 20); it: max_iter (200); lr: learning_rate (0.05); leaves: max_leaf_nodes (31)
    cv: [a, b]    choose min_samples_leaf among these on a holdout of the last `hold` (576) training origins
    refit: n      refit every n steps of the walk forward on the last 8 weeks before the origin

Example (Debian's interpreter, python3-sklearn):
    OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/hgb_ablation.py \
        --data ../shared/data/nab/ec2_cpu_utilization_24ae8d.csv --windows ../shared/data/nab/combined_windows.json \
        --variants '{"peer": {}, "rel": {"rel": 1}, "rel_msl100": {"rel": 1, "msl": 100}}'
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arrival_peers import masked_points, read_series  # noqa: E402


def run(path, windows, freq, step, horizon, variants):
    from sklearn.ensemble import HistGradientBoostingRegressor
    series, name = read_series(path, freq, None)
    y = series.values.astype(float)
    idx = series.index
    day = 288 if freq == "5min" else 24
    week = 7 * day
    n = len(y)
    train_end = int(n * 0.7)
    k = horizon
    origins = [o for o in range(train_end, n - 1, step) if o + k - 1 < n]
    mask = masked_points(idx, windows, path)
    scale = np.mean(np.abs(y[day:train_end] - y[:train_end - day]))
    hours = idx.hour.values + idx.minute.values / 60.0
    dows = idx.dayofweek.values

    for vname, v in variants.items():
        def feats(t, kk):
            target = t + kk - 1
            level = np.median(y[t - v.get("span", 12):t]) if v.get("rel") else 0.0
            fl = 0.0 if v.get("rawfeat") else level
            f = []
            if not v.get("nolag"):
                f += [y[t - 1] - fl, y[t - 2] - fl]
            if not v.get("nocal"):
                f += [hours[target], dows[target]]
            f.append(kk)
            if not v.get("noday"):
                f.append(y[target - day * ((kk + day - 1) // day)] - fl)
            if not v.get("noweek"):
                f.append(y[target - week * ((kk + week - 1) // week)] - fl if target - week >= 0 else np.nan)
            if v.get("rel"):
                f.append(level)
            if v.get("med"):
                f.append(np.median(y[t - day:t]) - fl)
            return f, level

        def predict(m, t):
            f, level = feats(t, k)
            return max(m.predict(np.array([f]))[0] + level, 0.0)

        def fit(end, msl=None):
            if msl is None and v.get("cv"):
                cut = end - v.get("hold", 576)
                scores = []
                for cand in v["cv"]:
                    m = fit(cut, cand)
                    scores.append((np.mean([abs(y[t + k - 1] - predict(m, t)) for t in range(cut, end - k + 1, 3)]), cand))
                msl = min(scores)[1]
                print(f"  holdout chose min_samples_leaf={msl}", flush=True)
            msl = msl if msl is not None else v.get("msl", 20)
            first = max(end - 8 * week, (day if v.get("noweek") else week) + 1, v.get("span", 12))
            X, Y = [], []
            for kk in v.get("ks", [k]):
                for t in range(first, end - kk + 1):
                    f, level = feats(t, kk)
                    X.append(f)
                    Y.append(y[t + kk - 1] - level)
            m = HistGradientBoostingRegressor(loss="quantile", quantile=0.5, max_iter=v.get("it", 200),
                                              learning_rate=v.get("lr", 0.05), min_samples_leaf=msl,
                                              max_leaf_nodes=v.get("leaves", 31), random_state=0)
            return m.fit(np.array(X), np.array(Y))

        t0 = time.process_time()
        model, fitted_at, errors = fit(train_end), train_end, []
        for o in origins:
            if v.get("refit") and o - fitted_at >= v["refit"]:
                model, fitted_at = fit(o), o
            if not mask[o + k - 1]:
                errors.append(abs(y[o + k - 1] - predict(model, o)) / scale)
        print(f"{name} {vname} {np.mean(errors):.3f} cpu {time.process_time() - t0:.1f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--windows")
    ap.add_argument("--freq", default="5min", choices=["5min", "1h"])
    ap.add_argument("--step", type=int, default=12)
    ap.add_argument("--horizon", type=int, default=48)
    ap.add_argument("--variants", default='{"peer": {}}')
    a = ap.parse_args()
    run(a.data, a.windows, a.freq, a.step, a.horizon, json.loads(a.variants))


if __name__ == "__main__":
    main()
