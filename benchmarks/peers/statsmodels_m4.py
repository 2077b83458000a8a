#!/usr/bin/python3
"""Peer baseline for `foresight evaluate m4 --peer <csv>`: statsmodels ETS (automatic selection by AICc)
and seasonal ARIMA over the M4 Hourly series. Writes one CSV row per (model, series) holding the 48 point
forecasts and the fit+predict seconds; the C# harness computes sMAPE/MASE/OWA itself, so both sides are
scored by the same code.

Run with Debian's interpreter (it sees apt's python3-statsmodels):
    /usr/bin/python3 benchmarks/peers/statsmodels_m4.py --data ../shared/data/m4 --out /tmp/peer.csv \
        [--models ets,arima] [--limit 20]
"""
import argparse
import os
import csv
import itertools
import time
import warnings

import numpy as np

warnings.simplefilter("ignore")
H, M = 48, 24


def read_wide(path):
    series = {}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            series[row[0]] = np.array([float(v) for v in row[1:] if v.strip() != ""])
    return series


def guard(fc, y):
    """Replace a non-finite or divergent forecast with seasonal naive (the same guard our models use)."""
    lo, hi = y.min(), y.max()
    span = max(hi - lo, abs(hi), 1e-9)
    if not np.all(np.isfinite(fc)) or fc.max() > hi + 2 * span or fc.min() < lo - 2 * span:
        return np.array([y[-M + (i % M)] for i in range(H)]), True
    return fc, False


def fit_ets(y):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    best, best_aicc = None, np.inf
    positive = bool(np.all(y > 0))
    for error, trend, damped, seasonal in itertools.product(
            ["add", "mul"], [None, "add"], [False, True], [None, "add", "mul"]):
        if trend is None and damped:
            continue
        if (error == "mul" or seasonal == "mul") and not positive:
            continue
        try:
            model = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                             seasonal_periods=M if seasonal else None)
            res = model.fit(disp=False, maxiter=200)
            if np.isfinite(res.aicc) and res.aicc < best_aicc:
                best, best_aicc = res, res.aicc
        except Exception:  # noqa: BLE001 - a form that cannot be fitted is simply skipped
            continue
    if best is None:
        return np.array([y[-M + (i % M)] for i in range(H)])
    return np.asarray(best.forecast(H))


def fit_arima(y):
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    tail = y[-700:]
    # simple_differencing fits the ARMA part on the seasonally differenced series (a far smaller state, ~6x faster);
    # the forecasts are then integrated back: y[t] = w[t] + y[t - M].
    res = SARIMAX(tail, order=(1, 0, 1), seasonal_order=(0, 1, 1, M), simple_differencing=True).fit(disp=False)
    w = np.asarray(res.forecast(H))
    path = list(tail)
    for v in w:
        path.append(v + path[-M])
    return np.array(path[-H:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/m4")
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", default="ets,arima")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--resume", action="store_true", help="keep the rows already in --out and fit only the missing series")
    args = ap.parse_args()
    train = read_wide(f"{args.data}/M4_Hourly-train.csv")
    ids = list(train)[: args.limit or None]
    fitters = {"statsmodels-ets": fit_ets, "statsmodels-arima": fit_arima}
    wanted = {"ets": "statsmodels-ets", "arima": "statsmodels-arima"}
    done = set()
    if args.resume and os.path.exists(args.out):
        with open(args.out, newline="") as f:
            done = {(row[0], row[1]) for row in csv.reader(f) if row and row[0] != "model"}
    with open(args.out, "a" if done else "w", newline="") as f:
        w = csv.writer(f)
        if not done:
            w.writerow(["model", "id", "seconds", "guarded"] + [f"f{i + 1}" for i in range(H)])
        for key in args.models.split(","):
            name = wanted[key.strip()]
            for sid in ids:
                if (name, sid) in done:
                    continue
                y = train[sid]
                t0 = time.perf_counter()
                try:
                    fc = fitters[name](y)
                except Exception:  # noqa: BLE001
                    fc = np.full(H, np.nan)
                fc, guarded = guard(fc, y)
                w.writerow([name, sid, f"{time.perf_counter() - t0:.4f}", int(guarded)] + [f"{v:.6g}" for v in fc])
                f.flush()


if __name__ == "__main__":
    main()
