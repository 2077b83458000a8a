using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>Tree-growing settings shared by the GBM forecasters.</summary>
internal readonly record struct GbmLearnerSettings(GbmTrainer Trainer, int Trees, int Leaves, int MinRowsPerLeaf, double LearningRate, int Threads, int Seed);

/// <summary>Grows a regression tree ensemble from GBM rows with ML.NET: LightGbm, or FastTree when asked or when the native LightGBM library does not load.</summary>
internal static class GbmLearner
{
    public static (RegressionTreeEnsemble Ensemble, string Trainer) Grow(IEnumerable<GbmRow> rows, int featureCount, GbmLearnerSettings o)
    {
        var ml = new MLContext(o.Seed);
        var schema = SchemaDefinition.Create(typeof(GbmRow));
        schema[nameof(GbmRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        if (o.Trainer == GbmTrainer.LightGbm)
        {
            try
            {
                var lightGbm = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                {
                    LabelColumnName = nameof(GbmRow.Label),
                    FeatureColumnName = nameof(GbmRow.Features),
                    NumberOfIterations = o.Trees,
                    NumberOfLeaves = o.Leaves,
                    MinimumExampleCountPerLeaf = o.MinRowsPerLeaf,
                    LearningRate = o.LearningRate,
                    NumberOfThreads = o.Threads,
                    Seed = o.Seed,
                    Deterministic = true,
                    Silent = true,
                    Verbose = false,
                });
                return (lightGbm.Fit(data).Model.TrainedTreeEnsemble, nameof(GbmTrainer.LightGbm));
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is TypeInitializationException || e is BadImageFormatException)
            {
                // lib_lightgbm (or its libgomp1 dependency) did not load: the managed learner gives the same kind of model.
            }
        }

        var fastTree = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(GbmRow.Label),
            FeatureColumnName = nameof(GbmRow.Features),
            NumberOfTrees = o.Trees,
            NumberOfLeaves = o.Leaves,
            MinimumExampleCountPerLeaf = o.MinRowsPerLeaf,
            LearningRate = o.LearningRate,
            NumberOfThreads = o.Threads,
        });
        return (fastTree.Fit(data).Model.TrainedTreeEnsemble, nameof(GbmTrainer.FastTree));
    }
}
