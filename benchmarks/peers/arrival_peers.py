#!/usr/bin/python3
"""Peers for `foresight evaluate series` on arrival-like series: scikit-learn's HistGradientBoostingRegressor
with lags (1, 2, one day, one week) and hour-of-day / day-of-week features (one direct model per reported horizon,
quantile loss: 0.5 for the point forecast, 0.025 / 0.975 for the 95 % interval), and statsmodels SARIMAX with
daily and weekly Fourier terms and ARMA(2,1) errors (95 % intervals from the state-space model).

Same series and origins as `evaluate series`: the series is put on the --freq grid (bucket mean; short gaps
interpolated), the first 70 % is the training part (each peer is fitted once on its last --window weeks), the
rest is walked forward from an origin every --step steps; MASE is scaled by the training part's in-sample daily
seasonal-naive error; points inside NAB's labelled anomaly windows are not scored. Prints one line per peer:
    series=… peer=… mase_h1=… mase_hmax=… coverage95=… seconds=…

Run with Debian's interpreter (apt's python3-sklearn and python3-statsmodels):
    /usr/bin/python3 benchmarks/peers/arrival_peers.py --data ../shared/data/nab/elb_request_count_8c0756.csv \
        --freq 5min --horizons 1,3,12,48 --windows ../shared/data/nab/combined_windows.json
    /usr/bin/python3 benchmarks/peers/arrival_peers.py --data ../shared/data/alibaba2017/batch_task_v2017.csv \
        --from-trace alibaba2017 --freq 1h
"""
import argparse
import json
import os
import time
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")


def read_series(path, freq, trace):
    if trace == "alibaba2017":
        raw = pd.read_csv(path, skipinitialspace=True)
        raw.columns = [c.strip() for c in raw.columns]
        first = raw.groupby("job_id")["task_create_time"].min()
        width = int(pd.Timedelta(freq).total_seconds())
        buckets = (first // width).astype(int)
        counts = buckets.value_counts().sort_index()
        index = np.arange(buckets.min(), buckets.max() + 1)
        counts = counts.reindex(index, fill_value=0)
        ts = pd.to_datetime(index * width, unit="s", utc=True)
        return pd.Series(counts.values.astype(float), index=ts), f"alibaba2017-arrivals-{freq}"
    raw = pd.read_csv(path)
    s = pd.Series(raw.iloc[:, 1].astype(float).values, index=pd.to_datetime(raw.iloc[:, 0], utc=True))
    s = s.resample(pd.Timedelta(freq)).mean().interpolate(limit=6)
    return s.ffill().bfill(), os.path.basename(path)


def masked_points(index, windows_path, data_path):
    mask = np.zeros(len(index), dtype=bool)
    if not windows_path:
        return mask
    with open(windows_path) as f:
        windows = json.load(f)
    for name, spans in windows.items():
        if os.path.basename(name) != os.path.basename(data_path):
            continue
        for lo, hi in spans:
            mask |= (index >= pd.Timestamp(lo, tz="UTC")) & (index <= pd.Timestamp(hi, tz="UTC"))
    return mask


def hgb_peer(y, index, train_end, origins, horizons, day, week, window):
    from sklearn.ensemble import HistGradientBoostingRegressor
    hours = index.hour.values + index.minute.values / 60.0
    dows = index.dayofweek.values
    start = max(0, train_end - window)

    def rows(t_origin, k):
        target = t_origin + k - 1
        feats = [y[t_origin - 1], y[t_origin - 2], hours[target], dows[target], k]
        feats.append(y[target - day * ((k + day - 1) // day)])
        feats.append(y[target - week * ((k + week - 1) // week)] if target - week >= 0 else np.nan)
        return feats

    preds = {}
    for k in horizons:
        first = max(start, week + 1, 2)
        train_origins = range(first, train_end - k + 1)
        X = np.array([rows(t, k) for t in train_origins])
        Y = np.array([y[t + k - 1] for t in train_origins])
        models = {}
        for q in (0.5, 0.025, 0.975):
            m = HistGradientBoostingRegressor(loss="quantile", quantile=q, max_iter=200, learning_rate=0.05,
                                              random_state=0)
            models[q] = m.fit(X, Y)
        Xo = np.array([rows(t, k) for t in origins if t + k - 1 < len(y)])
        preds[k] = {q: m.predict(Xo) for q, m in models.items()}
    return preds


def sarimax_peer(y, index, train_end, origins, horizons, day, week, window, freq_steps_per_day):
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    t = np.arange(len(y) + max(horizons))

    def fourier(idx):
        cols = []
        for period, k_terms in ((day, 3), (week, 2)):
            if period <= 1:
                continue
            for j in range(1, k_terms + 1):
                cols.append(np.sin(2 * np.pi * j * t[idx] / period))
                cols.append(np.cos(2 * np.pi * j * t[idx] / period))
        return np.column_stack(cols) if cols else None

    start = max(0, train_end - window)
    exog = fourier(np.arange(start, train_end))
    model = SARIMAX(y[start:train_end], exog=exog, order=(2, 0, 1), trend="c")
    res = model.fit(disp=False, maxiter=100)
    hmax = max(horizons)
    preds = {k: {0.5: [], 0.025: [], 0.975: []} for k in horizons}
    for o in origins:
        lo = max(0, o - window)
        r = res.apply(y[lo:o], exog=fourier(np.arange(lo, o)), refit=False)
        h = min(hmax, len(y) - o)
        fc = r.get_forecast(h, exog=fourier(np.arange(o, o + h)))
        mean, ci = fc.predicted_mean, fc.conf_int(alpha=0.05)
        for k in horizons:
            if k <= h:
                preds[k][0.5].append(mean[k - 1])
                preds[k][0.025].append(ci[k - 1, 0])
                preds[k][0.975].append(ci[k - 1, 1])
    return {k: {q: np.array(v) for q, v in d.items()} for k, d in preds.items()}


def score(name, peer, y, mask, origins, horizons, preds, scale, seconds, nonneg):
    out = {}
    inside = total = 0
    for k in horizons:
        errs = []
        for i, o in enumerate(o for o in origins if o + k - 1 < len(y)):
            target = o + k - 1
            if mask[target]:
                continue
            p = preds[k][0.5][i]
            lo, hi = preds[k][0.025][i], preds[k][0.975][i]
            if nonneg:
                p, lo = max(p, 0.0), max(lo, 0.0)
            errs.append(abs(y[target] - p) / scale)
            inside += lo <= y[target] <= hi
            total += 1
        out[k] = np.mean(errs) if errs else float("nan")
    cov = inside / total if total else float("nan")
    print(f"series={name} peer={peer} mase_h1={out[horizons[0]]:.3f} mase_hmax={out[horizons[-1]]:.3f} "
          f"coverage95={cov:.3f} seconds={seconds:.1f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--freq", default="5min")
    ap.add_argument("--horizons", default="1,3,12,48")
    ap.add_argument("--windows")
    ap.add_argument("--step", type=int, default=12)
    ap.add_argument("--train", type=float, default=0.7)
    ap.add_argument("--window", type=int, default=8, help="weeks of history each peer is fitted on")
    ap.add_argument("--from-trace")
    ap.add_argument("--peers", default="hgb,sarimax")
    a = ap.parse_args()
    horizons = sorted(int(h) for h in a.horizons.split(","))
    series, name = read_series(a.data, a.freq, a.from_trace)
    y = series.values.astype(float)
    index = series.index
    day = max(1, int(pd.Timedelta("1D") / pd.Timedelta(a.freq)))
    week = 7 * day
    n = len(y)
    train_end = int(n * a.train)
    if train_end <= week + max(horizons) + 2:
        print(f"series={name} peer=all skipped: {n} points, a week of lags needs more than {week + max(horizons) + 2} training points")
        return
    origins = list(range(train_end, n - 1, a.step))
    mask = masked_points(index, a.windows, a.data)
    scale = np.mean(np.abs(y[day:train_end] - y[:train_end - day]))
    nonneg = bool(np.all(y >= 0))
    window = a.window * week
    for peer in a.peers.split(","):
        t0 = time.process_time()
        if peer == "hgb":
            preds = hgb_peer(y, index, train_end, origins, horizons, day, week, window)
        else:
            preds = sarimax_peer(y, index, train_end, origins, horizons, day, week, window, day)
        score(name, peer, y, mask, origins, horizons, preds, scale, time.process_time() - t0, nonneg)


if __name__ == "__main__":
    main()
