using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Autoscaling;
using YamlDotNet.RepresentationModel;

namespace Foresight.Integration.Tests;

/// <summary>
/// deploy/k8s/keda, checked offline (KEDA's kinds are not in the Kubernetes client's model, so the YAML is read as a
/// tree): every file is listed and parses, the triggers reach the silos' gRPC port through its Service, name the agent
/// Deployment, and carry only metadata the external scaler reads, with values it accepts.
/// </summary>
public sealed class KedaManifestTests
{
    private static readonly string Keda = Path.Combine(AppContext.BaseDirectory, "deploy", "k8s", "keda");
    private static readonly string[] ScalerKeys = ["scalerAddress", "pool", "policy", "horizon", "quantile", "metric"];

    [Fact]
    public void Every_file_is_listed_in_the_overlay_and_parses_into_objects_of_the_foresight_namespace()
    {
        var text = File.ReadAllText(Path.Combine(Keda, "kustomization.yaml"));
        var listed = Regex.Matches(text, @"^\s*(?:#\s*)?-\s*(?:path:\s*)?(\S+\.yaml)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var files = Directory.GetFiles(Keda, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(files, listed);
        foreach (var doc in Documents())
        {
            Assert.False(string.IsNullOrEmpty(Scalar(doc, "kind")));
            Assert.False(string.IsNullOrEmpty(Scalar(doc, "apiVersion")));
            Assert.Equal("foresight", Scalar(doc, "metadata", "namespace"));
        }
    }

    [Fact]
    public void Triggers_reach_the_grpc_port_through_its_service_and_scale_the_agent_deployment()
    {
        var patch = Documents("silo-grpc-port.yaml").Single();
        var container = (YamlMappingNode)((YamlSequenceNode)Node(patch, "spec", "template", "spec", "containers")).Children.Single();
        var port = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>().Single(p => p["name"].ToString() == "grpc")["containerPort"].ToString();
        var env = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>().ToDictionary(e => e["name"].ToString(), e => e["value"].ToString());
        Assert.Equal(port, env["FORESIGHT_Foresight__Grpc__Port"]);

        var service = Documents("grpc-service.yaml").Single();
        var servicePort = (YamlMappingNode)((YamlSequenceNode)Node(service, "spec", "ports")).Children.Single();
        Assert.Equal("grpc", servicePort["targetPort"].ToString());
        var address = $"{Scalar(service, "metadata", "name")}.foresight.svc.cluster.local:{servicePort["port"]}";

        var scaledObject = Documents("scaledobject.yaml").Single();
        Assert.Equal("ScaledObject", Scalar(scaledObject, "kind"));
        Assert.Equal("foresight-agent", Scalar(scaledObject, "spec", "scaleTargetRef", "name"));
        Assert.Equal("Deployment", Scalar(scaledObject, "spec", "scaleTargetRef", "kind"));
        var scaledJob = Documents("scaledjob.yaml").Single();
        Assert.Equal("ScaledJob", Scalar(scaledJob, "kind"));

        var auth = Documents("trigger-authentication.yaml").Single(d => Scalar(d, "kind") == "TriggerAuthentication");
        foreach (var scaled in new[] { scaledObject, scaledJob })
        {
            var trigger = (YamlMappingNode)((YamlSequenceNode)Node(scaled, "spec", "triggers")).Children.Single();
            Assert.Equal("external", trigger["type"].ToString());
            Assert.Equal(Scalar(auth, "metadata", "name"), Scalar(trigger, "authenticationRef", "name"));
            var metadata = ((YamlMappingNode)trigger["metadata"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
            Assert.Equal(address, metadata["scalerAddress"]);
            Assert.All(metadata.Keys, k => Assert.Contains(k, ScalerKeys));
            Assert.Equal("default", metadata["pool"]);
            if (metadata.TryGetValue("policy", out var policy))
            {
                Assert.NotNull(AutoscalerPolicies.Create(policy));
            }

            var quantile = double.Parse(metadata["quantile"], CultureInfo.InvariantCulture);
            Assert.InRange(quantile, 0.01, 0.99);
            Assert.True(double.Parse(metadata["horizon"], CultureInfo.InvariantCulture) > 0);
            Assert.Contains(metadata["metric"], new[] { "desiredWorkers", "predictedQueue" });
        }
    }

    private static IEnumerable<YamlMappingNode> Documents(string? file = null)
    {
        foreach (var path in Directory.GetFiles(Keda, file ?? "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml"))
        {
            var stream = new YamlStream();
            using var reader = new StringReader(File.ReadAllText(path));
            stream.Load(reader);
            foreach (var doc in stream.Documents)
            {
                yield return (YamlMappingNode)doc.RootNode;
            }
        }
    }

    private static YamlNode Node(YamlMappingNode root, params string[] path)
    {
        YamlNode current = root;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return current;
    }

    private static string? Scalar(YamlMappingNode root, params string[] path)
    {
        try
        {
            return Node(root, path) is YamlScalarNode s ? s.Value : null;
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }
}
