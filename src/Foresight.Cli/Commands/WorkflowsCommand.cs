using System.CommandLine;
using Foresight.Workflows.Definitions;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight workflows check &lt;folder&gt;</c>: validates workflow files against the supported GitHub Actions subset.</summary>
internal static class WorkflowsCommand
{
    public static Command Create()
    {
        var command = new Command("workflows", "Work with workflow files (a subset of GitHub Actions syntax).");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(ConformanceCommand.Create());
        return command;
    }

    private static Command CreateCheck()
    {
        var path = new Argument<string>("folder") { Description = "A folder (searched recursively for *.yml and *.yaml) or one file" };
        var summary = new Option<bool>("--summary") { Description = "Print only the summary, not each file's diagnostics" };
        var top = new Option<int>("--top") { Description = "How many unsupported features to list", DefaultValueFactory = _ => 15 };
        var command = new Command(
            "check",
            "Parse every workflow file and print its diagnostics (file:line:col: kind: message), the most common unsupported features, and "
            + "files=<n> parsed=<p> unsupported=<u> crashed=<c>. Exit code: 0 when every file is accepted, 1 when some is not, 2 when the parser crashed or the folder is missing.")
        {
            path,
            summary,
            top,
        };
        command.SetAction(parse => Check(parse.GetRequiredValue(path), parse.GetValue(summary), Math.Max(0, parse.GetValue(top)), Console.Out, Console.Error));
        return command;
    }

    internal static int Check(string path, bool summaryOnly, int top, TextWriter output, TextWriter error)
    {
        List<string> files;
        string root;
        if (File.Exists(path))
        {
            files = [path];
            root = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        }
        else if (Directory.Exists(path))
        {
            root = path;
            files = [.. Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
                // A local action's action.yml is not a workflow: the workflows that use it read it.
                .Where(f => Path.GetFileNameWithoutExtension(f) is not ("action" or "Action"))
                .Order(StringComparer.Ordinal)];
        }
        else
        {
            error.WriteLine($"error: no such file or folder: {path}");
            return 2;
        }

        var report = new CheckReport();
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(root, file);
            try
            {
                var result = WorkflowParser.Parse(File.ReadAllText(file), name, CalledFiles(file));
                if (result.Definition is { } definition)
                {
                    // Expanding is what a run does next: it must not crash either.
                    _ = WorkflowExpander.Expand(definition, new WorkflowTrigger("push", "octo/repo", "refs/heads/main", "0000000", "check"), "check");
                }

                report.Add(result);
                if (!summaryOnly)
                {
                    foreach (var diagnostic in result.Diagnostics)
                    {
                        output.WriteLine(diagnostic);
                    }
                }
            }
#pragma warning disable CA1031 // a crash of the parser is what this command counts and shows
            catch (Exception e)
#pragma warning restore CA1031
            {
                report.Crashed++;
                error.WriteLine($"{name}: crash: {e}");
            }
        }

        report.Write(output, top);
        return report.Crashed > 0 ? 2 : report.Parsed == files.Count ? 0 : 1;
    }

    /// <summary>
    /// Where a file's reusable workflows (<c>.github/workflows/x.yml</c>) are: under its repository (the nearest folder
    /// above it with <c>.git</c> or <c>.github</c>), else beside it, also in a folder of copies named
    /// <c>&lt;owner&gt;__&lt;repo&gt;__&lt;file&gt;</c> (the file <c>x.yml</c> of the same repository; for
    /// <c>owner/repo/.github/workflows/x.yml@ref</c>, the copy <c>owner__repo__x.yml</c>).
    /// </summary>
    internal static Func<string, string?> CalledFiles(string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var name = Path.GetFileName(file);
        var prefix = name.LastIndexOf("__", StringComparison.Ordinal) is var i and > 0 ? name[..(i + 2)] : "";
        string? root = null;
        for (var dir = new DirectoryInfo(folder); dir is not null && root is null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")) || Directory.Exists(Path.Combine(dir.FullName, ".github")))
            {
                root = dir.FullName;
            }
        }

        var inRepository = root is null ? null : CompositeActions.FileReader(root);
        return path => RemoteCopy(path) is { } copy
            ? Sibling(folder, copy)
            : inRepository?.Invoke(path) ?? Sibling(folder, prefix + Path.GetFileName(path)) ?? Sibling(folder, Path.GetFileName(path));

        // Another repository's workflow, owner/repo/.github/workflows/x.yml@ref: its copy owner__repo__x.yml.
        static string? RemoteCopy(string path) =>
            path.LastIndexOf('@') is var at and > 0 && path[..at].Split('/') is [var owner, var repo, ".github", "workflows", var file]
                ? $"{owner}__{repo}__{file}"
                : null;

        static string? Sibling(string folder, string fileName) =>
            File.Exists(Path.Combine(folder, fileName)) ? File.ReadAllText(Path.Combine(folder, fileName)) : null;
    }

    /// <summary>The counts over all files, and how often each unsupported feature appears.</summary>
    private sealed class CheckReport
    {
        private readonly Dictionary<string, (int Files, int Occurrences)> _features = new(StringComparer.Ordinal);

        public int Files { get; private set; }

        public int Parsed { get; private set; }

        public int Unsupported { get; private set; }

        public int Errors { get; private set; }

        public int Crashed { get; set; }

        public void Add(WorkflowParseResult result)
        {
            Files++;
            var diagnostics = result.Diagnostics;
            if (diagnostics.Count == 0)
            {
                Parsed++;
            }
            else if (diagnostics.All(d => d.Kind == WorkflowDiagnostic.Unsupported))
            {
                Unsupported++;
            }
            else
            {
                Errors++;
            }

            foreach (var group in diagnostics.Where(d => d.Kind == WorkflowDiagnostic.Unsupported).GroupBy(d => d.Feature ?? d.Message))
            {
                var (files, occurrences) = _features.GetValueOrDefault(group.Key);
                _features[group.Key] = (files + 1, occurrences + group.Count());
            }
        }

        public void Write(TextWriter output, int top)
        {
            if (_features.Count > 0 && top > 0)
            {
                output.WriteLine();
                output.WriteLine("most common unsupported features (files using it, occurrences):");
                var width = _features.Keys.Max(k => k.Length);
                foreach (var (feature, (files, occurrences)) in _features.OrderByDescending(f => f.Value.Files).ThenByDescending(f => f.Value.Occurrences).ThenBy(f => f.Key, StringComparer.Ordinal).Take(top))
                {
                    output.WriteLine($"  {feature.PadRight(width)}  files={files} occurrences={occurrences}");
                }
            }

            output.WriteLine($"errors={Errors}");
            output.WriteLine($"files={Files} parsed={Parsed} unsupported={Unsupported} crashed={Crashed}");
        }
    }
}
