using System.Globalization;
using System.Reflection;

namespace Foresight.Persistence;

/// <summary>One numbered script of <c>deploy/sql/postgresql</c> (embedded in this assembly); its number is the schema version it brings.</summary>
public sealed record SchemaScript(int Version, string Name, string Sql)
{
    private const string Prefix = "Foresight.Persistence.Sql.";

    /// <summary>Every embedded script, in version order.</summary>
    public static IReadOnlyList<SchemaScript> All { get; } = Load();

    private static List<SchemaScript> Load()
    {
        var assembly = typeof(SchemaScript).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"schema script '{name}' is not named <number>-<what>.sql");
            }

            scripts.Add(new SchemaScript(version, name, Read(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException($"schema scripts must be numbered 1, 2, 3, … without gaps; found {scripts[i].Name} at position {i + 1}");
            }
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
