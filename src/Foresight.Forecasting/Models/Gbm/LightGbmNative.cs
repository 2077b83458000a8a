using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Trees grown by LightGBM's own C API (lib_lightgbm, the native library of the LightGBM package that
/// Microsoft.ML.LightGbm brings) for the objectives ML.NET's LightGbm regression trainer does not expose (it fixes
/// <c>objective=regression</c>): <c>l1</c> (the median) and <c>quantile</c>. The booster is trained, dumped as JSON,
/// flattened into <see cref="GbmTrees"/> and freed at once, so a fitted model holds no native handle.
/// </summary>
internal static partial class LightGbmNative
{
    private const string Library = "lib_lightgbm";
    private const int Float32 = 0;

    /// <summary>Grows <paramref name="trees"/> trees with <paramref name="objective"/> (a LightGBM objective with its parameters, e.g. <c>objective=l1</c> or <c>objective=quantile alpha=0.9</c>).</summary>
    /// <exception cref="InvalidOperationException">LightGBM reported an error (its message is included).</exception>
    public static GbmTrees Grow(IReadOnlyList<GbmRow> rows, int featureCount, GbmLearnerSettings o, string objective)
    {
        var data = new float[rows.Count * featureCount];
        var labels = new float[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            rows[r].Features.AsSpan(0, featureCount).CopyTo(data.AsSpan(r * featureCount));
            labels[r] = rows[r].Label;
        }

        var parameters = string.Create(
            CultureInfo.InvariantCulture,
            $"{objective} num_leaves={o.Leaves} min_data_in_leaf={o.MinRowsPerLeaf} learning_rate={o.LearningRate} num_threads={Math.Max(1, o.Threads)} seed={o.Seed} deterministic=true force_row_wise=true verbosity=-1");
        var dataset = IntPtr.Zero;
        var booster = IntPtr.Zero;
        try
        {
            Check(DatasetCreateFromMat(data, Float32, rows.Count, featureCount, 1, parameters, IntPtr.Zero, out dataset));
            Check(DatasetSetField(dataset, "label", labels, labels.Length, Float32));
            Check(BoosterCreate(dataset, parameters, out booster));
            for (var i = 0; i < o.Trees; i++)
            {
                Check(BoosterUpdateOneIter(booster, out var finished));
                if (finished != 0)
                {
                    break;
                }
            }

            return Flatten(Dump(booster));
        }
        finally
        {
            if (booster != IntPtr.Zero)
            {
                _ = BoosterFree(booster);
            }

            if (dataset != IntPtr.Zero)
            {
                _ = DatasetFree(dataset);
            }
        }
    }

    /// <summary>The trees of a LightGBM JSON model dump (numerical splits, <c>value &lt;= threshold</c> goes left), as <see cref="GbmTrees"/>.</summary>
    internal static GbmTrees Flatten(string json)
    {
        using var document = JsonDocument.Parse(json);
        var builder = new GbmTrees.Builder();
        foreach (var tree in document.RootElement.GetProperty("tree_info").EnumerateArray())
        {
            var structure = tree.GetProperty("tree_structure");
            if (!structure.TryGetProperty("split_feature", out _))
            {
                builder.AddTree([], [structure.GetProperty("leaf_value").GetDouble()]);
                continue;
            }

            var nodes = new List<(int Feature, float Threshold, int Left, int Right)>();
            var leaves = new List<double>();
            int Visit(JsonElement e)
            {
                if (!e.TryGetProperty("split_feature", out var feature))
                {
                    leaves.Add(e.GetProperty("leaf_value").GetDouble());
                    return ~(leaves.Count - 1);
                }

                if (e.GetProperty("decision_type").GetString() != "<=")
                {
                    throw new NotSupportedException("Only numerical splits are used by the GBM forecaster.");
                }

                var index = nodes.Count;
                nodes.Add((feature.GetInt32(), (float)e.GetProperty("threshold").GetDouble(), 0, 0));
                var left = Visit(e.GetProperty("left_child"));
                var right = Visit(e.GetProperty("right_child"));
                nodes[index] = nodes[index] with { Left = left, Right = right };
                return index;
            }

            Visit(structure);
            builder.AddTree(nodes, leaves);
        }

        return builder.Build();
    }

    private static string Dump(IntPtr booster)
    {
        Check(BoosterDumpModel(booster, 0, -1, 0, 0, out var length, null));
        var buffer = new byte[length];
        Check(BoosterDumpModel(booster, 0, -1, 0, length, out _, buffer));
        return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, length - 1));
    }

    private static void Check(int status)
    {
        if (status != 0)
        {
            throw new InvalidOperationException("LightGBM: " + (Marshal.PtrToStringUTF8(GetLastError()) ?? "unknown error"));
        }
    }

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetCreateFromMat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int DatasetCreateFromMat(float[] data, int dataType, int rows, int columns, int rowMajor, string parameters, IntPtr reference, out IntPtr dataset);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetSetField", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int DatasetSetField(IntPtr dataset, string field, float[] values, int count, int type);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterCreate", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int BoosterCreate(IntPtr dataset, string parameters, out IntPtr booster);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterUpdateOneIter")]
    private static partial int BoosterUpdateOneIter(IntPtr booster, out int finished);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterDumpModel")]
    private static partial int BoosterDumpModel(IntPtr booster, int startIteration, int iterations, int importanceType, long bufferLength, out long length, byte[]? buffer);

    [LibraryImport(Library, EntryPoint = "LGBM_BoosterFree")]
    private static partial int BoosterFree(IntPtr booster);

    [LibraryImport(Library, EntryPoint = "LGBM_DatasetFree")]
    private static partial int DatasetFree(IntPtr dataset);

    [LibraryImport(Library, EntryPoint = "LGBM_GetLastError")]
    private static partial IntPtr GetLastError();
}
