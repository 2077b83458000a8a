using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Foresight.Agent.Hosting;
using Foresight.Grains.Hosting;
using Foresight.Server.Gateway;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using k8s;
using k8s.Models;
using Npgsql;

namespace Foresight.Integration.Tests;

/// <summary>
/// deploy/k8s and deploy/Dockerfile, checked offline: every manifest loads into typed Kubernetes objects, and the
/// things that must agree do (ports, probes, selectors, settings the server and agent really read, images, the
/// database the silos are told to use).
/// </summary>
public sealed partial class DeployManifestTests
{
    // deploy/k8s and deploy/Dockerfile are copied beside the tests (Foresight.Integration.Tests.csproj).
    private static readonly string Deploy = Path.Combine(AppContext.BaseDirectory, "deploy");
    private static readonly IReadOnlyList<object> Objects = LoadAll();

    // Not configuration keys but read all the same: ASP.NET Core's listen address, and the downward-API variables
    // Orleans' Kubernetes hosting reads (POD_NAME → silo name, POD_IP → advertised address, POD_NAMESPACE → the
    // namespace it watches, ORLEANS_* → the ids from the pod's labels).
    private static readonly HashSet<string> ServerPlainVariables =
        ["ASPNETCORE_URLS", "POD_NAME", "POD_IP", "POD_NAMESPACE", "ORLEANS_CLUSTER_ID", "ORLEANS_SERVICE_ID"];

    [Fact]
    public void Every_manifest_is_deployed_and_loads_into_typed_objects_in_the_foresight_namespace()
    {
        var listed = Regex.Matches(File.ReadAllText(Path.Combine(Deploy, "k8s", "kustomization.yaml")), @"^\s*-\s*(\S+\.yaml)", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(files, listed);

        Assert.All(Objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o));
        Assert.All(Objects.Cast<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace), o => Assert.Equal("foresight", o.Metadata.NamespaceProperty));
        Assert.Single(Objects.OfType<V1Namespace>(), n => n.Metadata.Name == "foresight");
    }

    [Fact]
    public void Services_target_the_silo_ports_the_server_is_configured_with()
    {
        var silo = Silo();
        var container = silo.Spec.Template.Spec.Containers.Single();
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        var env = Environment(container);

        Assert.Equal(int.Parse(env["FORESIGHT_Server__SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture), ports["silo"]);
        // No Orleans client gateway: the server's default opens none, and nothing turns it on.
        Assert.DoesNotContain("FORESIGHT_Server__GatewayPort", env.Keys);
        Assert.Equal(0, new ServerOptions().GatewayPort);
        Assert.Equal(new[] { "http", "silo" }, ports.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Uri(env["ASPNETCORE_URLS"]!.Replace("+", "localhost", StringComparison.Ordinal)).Port, ports["http"]);

        var http = Service("foresight-http");
        foreach (var service in new[] { http })
        {
            Assert.True(Selects(service.Spec.Selector, silo.Spec.Template.Metadata.Labels), $"{service.Metadata.Name} selects the silo pods");
            Assert.All(service.Spec.Ports, p => Assert.Contains(Resolve(p.TargetPort, container), ports.Values));
        }

        Assert.Equal(ports["http"], Resolve(http.Spec.Ports.Single().TargetPort, container));
        // Orleans ports are cluster-internal: no Service exposes them (agents use the HTTP gateway).
        Assert.DoesNotContain(
            Objects.OfType<V1Service>().Where(s => Selects(s.Spec.Selector, silo.Spec.Template.Metadata.Labels)),
            s => s.Spec.Ports.Any(p => Resolve(p.TargetPort, container) is var port && port == ports["silo"]));

        // The image's defaults agree too, so a container started without the manifests' env listens where expected.
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        Assert.Contains($"EXPOSE {ports["http"]} {ports["silo"]}\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"ASPNETCORE_URLS=http://+:{ports["http"]}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"FORESIGHT_Server__SiloPort={ports["silo"]}", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("GatewayPort=", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_probe_asks_healthz_on_the_http_port_and_shutdown_outlasts_the_drain()
    {
        var container = Silo().Spec.Template.Spec.Containers.Single();
        var probes = new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe };

        Assert.All(probes, p =>
        {
            Assert.NotNull(p);
            Assert.Equal("/healthz", p.HttpGet.Path);
            Assert.Equal(container.Ports.Single(x => x.Name == "http").ContainerPort, Resolve(p.HttpGet.Port, container));
        });
        // The server's HostOptions.ShutdownTimeout is 60 s; the agent's default shutdown timeout 10 min.
        Assert.True(Silo().Spec.Template.Spec.TerminationGracePeriodSeconds > 60);
        Assert.True(Agent().Spec.Template.Spec.TerminationGracePeriodSeconds > 600);
    }

    [Fact]
    public void The_disruption_budget_covers_exactly_the_silos()
    {
        var pdb = Assert.Single(Objects.OfType<V1PodDisruptionBudget>());

        Assert.True(Selects(pdb.Spec.Selector.MatchLabels, Silo().Spec.Template.Metadata.Labels));
        Assert.False(Selects(pdb.Spec.Selector.MatchLabels, Agent().Spec.Template.Metadata.Labels));
        Assert.True(Selects(Silo().Spec.Selector.MatchLabels, Silo().Spec.Template.Metadata.Labels));
        Assert.True(pdb.Spec.MaxUnavailable?.Value is "1" || pdb.Spec.MinAvailable is not null);
    }

    [Fact]
    public void Every_setting_given_to_the_silos_is_one_the_server_reads_and_the_durable_ones_are_there()
    {
        var env = Environment(Silo().Spec.Template.Spec.Containers.Single());

        Assert.All(env.Keys, name => Assert.True(
            ServerPlainVariables.Contains(name) || (name.StartsWith("FORESIGHT_", StringComparison.Ordinal) && ServerReads(name["FORESIGHT_".Length..].Split("__"))),
            $"the server reads no setting {name}"));
        Assert.Equal(StorageOptions.Postgres, env["FORESIGHT_Storage__Provider"]);
        foreach (var required in new[] { $"FORESIGHT_ConnectionStrings__{StorageOptions.ConnectionStringName}", "POD_NAME", "POD_IP" })
        {
            Assert.Contains(required, env.Keys);
        }
    }

    [Fact]
    public void Agents_reach_the_http_gateway_with_a_registration_token_the_silos_accept_and_settings_the_agent_reads()
    {
        var silo = Environment(Silo().Spec.Template.Spec.Containers.Single());
        var agent = Environment(Agent().Spec.Template.Spec.Containers.Single());
        var agentKeys = AgentCommandLine.SwitchMappings.Values.ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.All(agent.Keys, name => Assert.Contains(name["FORESIGHT_".Length..].Replace("__", ":", StringComparison.Ordinal), agentKeys));
        var http = Service("foresight-http");
        Assert.Equal(new Uri($"http://{http.Metadata.Name}:{http.Spec.Ports.Single().Port}"), new Uri(agent["FORESIGHT_Agent__Server"]!));
        Assert.Equal(TokenRegistry.HashHex(agent["FORESIGHT_Agent__RegistrationToken"]!), silo["FORESIGHT_Foresight__Agents__RegistrationTokens__k8s__Sha256"]);
        Assert.Contains(agent["FORESIGHT_Agent__Pool"]!, silo["FORESIGHT_Foresight__Agents__RegistrationTokens__k8s__Pools"]!.Split(','));
        Assert.DoesNotContain(agent.Keys, k => k.Contains("ConnectionStrings", StringComparison.Ordinal) || k.Contains("Gateway__Tokens", StringComparison.Ordinal));
    }

    [Fact]
    public void Silo_and_agent_images_are_the_Dockerfiles_two_targets_at_one_tag()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        var server = Silo().Spec.Template.Spec.Containers.Single().Image;
        var agent = Agent().Spec.Template.Spec.Containers.Single().Image;

        Assert.Equal(("foresight/server", "foresight/agent"), (server.Split(':')[0], agent.Split(':')[0]));
        Assert.Equal(server.Split(':')[1], agent.Split(':')[1]);
        Assert.Contains($"--target server -t {server} .", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"--target agent  -t {agent}  .", dockerfile, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^FROM \S+ AS server$", RegexOptions.Multiline), dockerfile);
        Assert.Matches(new Regex(@"^FROM \S+ AS agent$", RegexOptions.Multiline), dockerfile);
    }

    [Fact]
    public void The_silos_connection_string_names_the_bundled_postgres_service_database_user_and_password()
    {
        var secret = Objects.OfType<V1Secret>().Single(s => s.Metadata.Name == "foresight-postgres").StringData;
        var postgres = Objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "foresight-postgres");
        var service = Service("foresight-postgres");
        var connection = new NpgsqlConnectionStringBuilder(Environment(Silo().Spec.Template.Spec.Containers.Single())[$"FORESIGHT_ConnectionStrings__{StorageOptions.ConnectionStringName}"]);

        Assert.Equal(service.Metadata.Name, connection.Host);
        Assert.Equal(service.Spec.Ports.Single().Port, connection.Port);
        Assert.Equal((secret["POSTGRES_DB"], secret["POSTGRES_USER"], secret["POSTGRES_PASSWORD"]), (connection.Database, connection.Username, connection.Password));
        Assert.True(Selects(service.Spec.Selector, postgres.Spec.Template.Metadata.Labels));
        Assert.Equal(service.Metadata.Name, postgres.Spec.ServiceName);
    }

    [Fact]
    public void Kubernetes_hosting_gets_the_pod_variables_and_labels_it_reads_and_ids_that_agree_with_storage()
    {
        var silo = Silo();
        var env = Environment(silo.Spec.Template.Spec.Containers.Single());
        var labels = silo.Spec.Template.Metadata.Labels;

        Assert.Equal("<metadata.name>", env["POD_NAME"]);
        Assert.Equal("<metadata.namespace>", env["POD_NAMESPACE"]);
        Assert.Equal("<status.podIP>", env["POD_IP"]);
        Assert.Equal("<metadata.labels['orleans/clusterId']>", env["ORLEANS_CLUSTER_ID"]);
        Assert.Equal("<metadata.labels['orleans/serviceId']>", env["ORLEANS_SERVICE_ID"]);
        Assert.Equal(env["FORESIGHT_Storage__ClusterId"], labels["orleans/clusterId"]);
        Assert.Equal(env["FORESIGHT_Storage__ServiceId"], labels["orleans/serviceId"]);
    }

    [Fact]
    public void Only_the_silos_get_an_account_and_it_may_only_watch_and_delete_pods_and_scale_the_agents_of_their_namespace()
    {
        var account = Assert.Single(Objects.OfType<V1ServiceAccount>());
        Assert.Empty(Objects.OfType<V1ClusterRole>());
        Assert.Empty(Objects.OfType<V1ClusterRoleBinding>());
        Assert.Equal(account.Metadata.Name, Silo().Spec.Template.Spec.ServiceAccountName);
        var roles = Objects.OfType<V1Role>().ToDictionary(r => r.Metadata.Name);
        Assert.Equal(new[] { "foresight-autoscaler", "foresight-silo" }, roles.Keys.Order());
        foreach (var binding in Objects.OfType<V1RoleBinding>())
        {
            Assert.Equal("Role", binding.RoleRef.Kind);
            Assert.Contains(binding.RoleRef.Name, roles.Keys);
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal(("ServiceAccount", account.Metadata.Name, "foresight"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        }

        Assert.Equal(roles.Count, Objects.OfType<V1RoleBinding>().Select(b => b.RoleRef.Name).Distinct().Count());

        // Orleans' Kubernetes hosting: pods of the namespace only.
        var rule = Assert.Single(roles["foresight-silo"].Rules);
        Assert.Equal(new[] { "" }, rule.ApiGroups);
        Assert.Equal(new[] { "pods" }, rule.Resources);
        Assert.Subset(new HashSet<string> { "get", "list", "watch", "delete", "patch" }, rule.Verbs.ToHashSet());
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "delete" }, rule.Verbs.ToHashSet());

        // The kubernetes provisioner: the agent Deployment's scale subresource only.
        var scale = Assert.Single(roles["foresight-autoscaler"].Rules);
        Assert.Equal(new[] { "apps" }, scale.ApiGroups);
        Assert.Equal(new[] { "deployments/scale" }, scale.Resources);
        Assert.Equal(new[] { Agent().Metadata.Name }, scale.ResourceNames);

        // Agents run jobs: no account token in their pods, and not the silos' account.
        var agent = Agent().Spec.Template.Spec;
        Assert.False(agent.AutomountServiceAccountToken);
        Assert.NotEqual(account.Metadata.Name, agent.ServiceAccountName);
    }

    [Fact]
    public void The_silo_port_is_open_only_between_silos_and_http_to_all()
    {
        var policy = Assert.Single(Objects.OfType<V1NetworkPolicy>());
        var silo = Silo().Spec.Template;
        var agent = Agent().Spec.Template;
        var container = silo.Spec.Containers.Single();
        int Port(V1NetworkPolicyPort p) => Resolve(p.Port, container);
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.True(Selects(policy.Spec.PodSelector.MatchLabels, silo.Metadata.Labels));
        Assert.False(Selects(policy.Spec.PodSelector.MatchLabels, agent.Metadata.Labels));
        Assert.Equal(new[] { "Ingress" }, policy.Spec.PolicyTypes);
        // Every port of the silo is named by some rule; a rule without ports would open them all.
        Assert.All(policy.Spec.Ingress, r => Assert.NotEmpty(r.Ports));
        Assert.Equal(ports.Values.Order(), policy.Spec.Ingress.SelectMany(r => r.Ports).Select(Port).Distinct().Order());

        bool Admits(V1NetworkPolicyIngressRule rule, V1PodTemplateSpec? from) =>
            rule.FromProperty is null || rule.FromProperty.Count == 0
            || (from is not null && rule.FromProperty.Any(p => p.IpBlock is null && p.NamespaceSelector is null && Selects(p.PodSelector.MatchLabels, from.Metadata.Labels)));
        IEnumerable<V1NetworkPolicyIngressRule> To(string port) => policy.Spec.Ingress.Where(r => r.Ports.Any(p => Port(p) == ports[port]));

        Assert.All(To("silo"), r => Assert.True(Admits(r, silo) && !Admits(r, agent) && !Admits(r, null), "silo port: silos only"));
        Assert.Contains(To("silo"), r => Admits(r, silo));
        Assert.Contains(To("http"), r => Admits(r, null));
    }

    [Fact]
    public void Silos_read_their_tls_certificates_from_the_secret_they_mount()
    {
        foreach (var (deployment, keys) in new[]
                 {
                     (Silo(), new[] { "FORESIGHT_Foresight__Cluster__Tls__CertificatePath", "FORESIGHT_Foresight__Cluster__Tls__KeyPath", "FORESIGHT_Foresight__Cluster__Tls__CaPath" }),
                 })
        {
            var pod = deployment.Spec.Template.Spec;
            var container = pod.Containers.Single();
            var env = Environment(container);
            foreach (var key in keys)
            {
                var path = env[key]!;
                var mount = Assert.Single(container.VolumeMounts, m => path.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
                Assert.True(mount.ReadOnlyProperty);
                var volume = Assert.Single(pod.Volumes, v => v.Name == mount.Name);
                Assert.NotNull(volume.Secret);
                Assert.Contains(Path.GetFileName(path), new[] { "tls.crt", "tls.key", "ca.crt" });
            }
        }
    }

    private static V1Deployment Silo() => Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "foresight-silo");

    private static V1Deployment Agent() => Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "foresight-agent");

    private static V1Service Service(string name) => Objects.OfType<V1Service>().Single(s => s.Metadata.Name == name);

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var value) && value == kv.Value);

    private static int Resolve(IntOrString port, V1Container container) =>
        int.TryParse(port.Value, out var number) ? number : container.Ports.Single(p => p.Name == port.Value).ContainerPort;

    /// <summary>A container's environment: its own variables and those of the ConfigMaps and Secrets it takes whole (a field reference counts as set).</summary>
    private static Dictionary<string, string?> Environment(V1Container container)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            IDictionary<string, string>? data = source.ConfigMapRef is { } map
                ? Objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == map.Name).Data
                : Objects.OfType<V1Secret>().Single(s => s.Metadata.Name == source.SecretRef.Name).StringData;
            foreach (var (key, value) in data ?? new Dictionary<string, string>())
            {
                env[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.Value ?? $"<{variable.ValueFrom?.FieldRef?.FieldPath}>";
        }

        return env;
    }

    /// <summary>Whether a configuration key (as path segments) lands on a property of the options the server binds.</summary>
    private static bool ServerReads(string[] path)
    {
        var roots = new (string Section, Type Options)[]
        {
            (ServerOptions.Section, typeof(ServerOptions)),
            (StorageOptions.Section, typeof(StorageOptions)),
            (GatewayOptions.Section, typeof(GatewayOptions)),
            (ForesightOptions.Section, typeof(ForesightOptions)),
            (ClusterTransportOptions.Section, typeof(ClusterTransportOptions)),
            (AgentRegistrationOptions.Section, typeof(AgentRegistrationOptions)),
        };
        var key = string.Join(':', path);
        if (string.Equals(key, $"ConnectionStrings:{StorageOptions.ConnectionStringName}", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // The longest section that prefixes the key ("Foresight:Gateway" before "Foresight").
        var root = roots.Where(r => key.StartsWith(r.Section + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(r => r.Section.Length);
        if (root.Options is null)
        {
            return false;
        }

        var type = root.Options;
        foreach (var segment in key[(root.Section.Length + 1)..].Split(':'))
        {
            if (type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dictionary)
            {
                type = dictionary.GetGenericArguments()[1]; // the segment is a key of the dictionary
                continue;
            }

            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not { CanWrite: true } || property.SetMethod?.IsPublic != true)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return !typeof(IEnumerable).IsAssignableFrom(type) || type == typeof(string);
    }

    private static List<object> LoadAll() =>
        [.. Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f)))];
}
