using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting;
using Foresight.Forecasting.Federated;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Model versions that serve stored parameters (adopted federated merges, forecaster <c>{kind}/federated</c>): how to
/// recognise them and the forecaster that fits with their parameters as they are (calibration only).
/// </summary>
public static class FederatedVersions
{
    /// <summary>What follows the kind in such a version's forecaster name.</summary>
    public const string Suffix = "/federated";

    /// <summary>Whether <paramref name="forecaster"/> names a version serving stored parameters.</summary>
    public static bool IsFederated(string forecaster) => forecaster.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>The forecaster of <paramref name="document"/>'s parameters, by its kind among <paramref name="kinds"/>.</summary>
    /// <exception cref="InvalidOperationException">No such kind is registered on this host.</exception>
    public static IForecaster Forecaster(IEnumerable<IFederatedModelKind> kinds, FederatedModelDocument document)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(document);
        var kind = kinds.FirstOrDefault(k => k.Kind == document.Kind)
            ?? throw new InvalidOperationException($"no federated model kind '{document.Kind}' on this host");
        return kind.Fixed(new ModelParameters(document.Parameters.Select(t => new ParameterTensor(t.Name, t.Shape, t.Values))));
    }
}
