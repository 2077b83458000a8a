namespace Foresight.Forecasting.Numerics;

/// <summary>Derivative-free minimiser (Nelder–Mead simplex); objectives return +∞ for infeasible points.</summary>
internal static class NelderMead
{
    public static (double[] X, double F) Minimize(Func<double[], double> f, double[] x0, double step, int maxEvaluations = 400, double tolerance = 1e-8)
    {
        int n = x0.Length;
        if (n == 0)
        {
            return (x0, f(x0));
        }

        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        simplex[0] = (double[])x0.Clone();
        values[0] = f(simplex[0]);
        for (int i = 0; i < n; i++)
        {
            var p = (double[])x0.Clone();
            p[i] += Math.Abs(p[i]) > 1e-3 ? step * Math.Abs(p[i]) : step;
            simplex[i + 1] = p;
            values[i + 1] = f(p);
        }

        int evaluations = n + 1;
        var centroid = new double[n];
        var trial = new double[n];
        var trial2 = new double[n];
        while (evaluations < maxEvaluations)
        {
            Array.Sort(values, simplex);
            if (Math.Abs(values[n] - values[0]) <= tolerance * (Math.Abs(values[0]) + tolerance))
            {
                break;
            }

            Array.Clear(centroid);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    centroid[j] += simplex[i][j] / n;
                }
            }

            for (int j = 0; j < n; j++)
            {
                trial[j] = centroid[j] + (centroid[j] - simplex[n][j]);
            }

            double fr = f(trial);
            evaluations++;
            if (fr < values[0])
            {
                for (int j = 0; j < n; j++)
                {
                    trial2[j] = centroid[j] + 2 * (centroid[j] - simplex[n][j]);
                }

                double fe = f(trial2);
                evaluations++;
                Replace(simplex, values, n, fe < fr ? trial2 : trial, Math.Min(fe, fr));
            }
            else if (fr < values[n - 1])
            {
                Replace(simplex, values, n, trial, fr);
            }
            else
            {
                bool outside = fr < values[n];
                for (int j = 0; j < n; j++)
                {
                    trial2[j] = outside ? centroid[j] + 0.5 * (trial[j] - centroid[j]) : centroid[j] + 0.5 * (simplex[n][j] - centroid[j]);
                }

                double fc = f(trial2);
                evaluations++;
                if (fc < Math.Min(fr, values[n]))
                {
                    Replace(simplex, values, n, trial2, fc);
                }
                else
                {
                    for (int i = 1; i <= n; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            simplex[i][j] = simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]);
                        }

                        values[i] = f(simplex[i]);
                        evaluations++;
                    }
                }
            }
        }

        Array.Sort(values, simplex);
        return (simplex[0], values[0]);
    }

    private static void Replace(double[][] simplex, double[] values, int index, double[] point, double value)
    {
        Array.Copy(point, simplex[index], point.Length);
        values[index] = value;
    }
}
