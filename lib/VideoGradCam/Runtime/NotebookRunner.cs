using System.Text.Json.Nodes;

namespace VideoGradCam.Runtime;

/// <summary>
/// Executes a notebook headless in the kernel VS Code's Polyglot Notebooks and Jupyter start
/// (<c>dotnet-interactive</c>, registered as the Jupyter kernel <c>.net-csharp</c> by <c>./workspace setup</c>), driven
/// by a real Jupyter client: nbclient, through <c>run_notebook.py</c> beside this file. Writes the executed notebook
/// (outputs included) and its HTML export. The kernel starts in the notebook's folder, as in the front ends. A cell
/// that throws fails the run; the failure names the notebook, the cell and the error.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The Jupyter kernel the notebooks declare and run in.</summary>
    public const string Kernel = ".net-csharp";

    public sealed record Outcome(string Notebook, bool Passed, string OutputPath, TimeSpan Duration, string? Failure,
        string Log)
    {
        /// <summary>The executed notebook exported to HTML, beside it.</summary>
        public string HtmlPath => Path.ChangeExtension(OutputPath, ".html");
    }

    public static IReadOnlyList<string> All(string? folder = null) =>
        Directory.EnumerateFiles(folder ?? WorkspacePaths.Notebooks(), "*.ipynb")
                 .Where(f => char.IsDigit(Path.GetFileName(f)[0]))
                 .OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>The notebook metadata key that says a notebook teaches on the synthetic set's ground truth (masks,
    /// relevant frames): <c>"workspace-data": "ground truth"</c>. Such a notebook is skipped on data without
    /// annotations.</summary>
    public const string DataKey = "workspace-data";

    /// <summary>True when the notebook's metadata says it needs ground truth (<see cref="DataKey"/>).</summary>
    public static bool NeedsGroundTruth(string notebook) =>
        JsonNode.Parse(File.ReadAllText(notebook))?["metadata"]?[DataKey]?.GetValue<string>() == "ground truth";

    /// <summary>The Python that has Debian's nbclient: WORKSPACE_PYTHON, else /usr/bin/python3, else python3 on
    /// PATH.</summary>
    public static string Python() =>
        Environment.GetEnvironmentVariable("WORKSPACE_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    static string ClientScript() =>
        Path.Combine(WorkspacePaths.Root(), "lib", "VideoGradCam", "Runtime", "run_notebook.py");

    /// <summary>The variable that overrides the models a notebook's cell picks ("shipped", "quick", "full").</summary>
    public const string ModelsVariable = "WORKSPACE_MODELS";

    /// <param name="environment">variables for the kernel on top of this process's own (the profile is always set),
    /// e.g. the data choice that <c>StudyData.Current()</c> reads in the notebook.</param>
    public static Outcome Run(string notebook, string outputFolder, Profile profile, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        notebook = Path.GetFullPath(notebook);
        if (!File.Exists(notebook)) throw new FileNotFoundException($"Notebook not found: {notebook}", notebook);
        Directory.CreateDirectory(outputFolder);
        var output = Path.Combine(Path.GetFullPath(outputFolder), Path.GetFileName(notebook));
        var started = DateTime.UtcNow;
        var env = new Dictionary<string, string>
        {
            [Profiles.EnvironmentVariable] = profile.Name(),
            // A notebook's visible cell picks its models (VideoGradCam.Study.ModelChoice); a quick run uses quick ones.
            [ModelsVariable] = profile == Profile.Quick ? "quick" : "",
            ["WORKSPACE_ARTIFACTS"] = WorkspacePaths.Artifacts(),
            ["WORKSPACE_ROOT"] = WorkspacePaths.Root(),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        var result = ExternalProcess.Run(Python(),
            [ClientScript(), notebook, output, "--html", Path.ChangeExtension(output, ".html"), "--kernel", Kernel],
            workingDirectory: Path.GetDirectoryName(notebook), environment: env, timeout: timeout
                ?? TimeSpan.FromMinutes(45));
        var duration = DateTime.UtcNow - started;
        var failure = result.ExitCode == 0 ? null : $"{Path.GetFileName(notebook)}: {DescribeFailure(result)}";
        return new Outcome(Path.GetFileName(notebook), result.ExitCode == 0, output, duration, failure, result.Output);
    }

    /// <summary>The client's verdict (its last stdout line is JSON): the failing cell's number, first line and error
    /// (at most eight lines), else the log's tail.</summary>
    static string DescribeFailure(ExternalProcess.Result result)
    {
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verdict = lines.LastOrDefault(l => l.StartsWith("{\"passed\"", StringComparison.Ordinal));
        if (verdict is not null && JsonNode.Parse(verdict) is { } v)
        {
            var error = (v["error"]?.GetValue<string>() ?? "").Trim().Split('\n');
            var shown = string.Join('\n', error.Take(8))
                + (error.Length > 8 ? $"\n... ({error.Length - 8} more lines)" : "");
            return v["cell"] is { } cell
                ? $"cell {cell} (`{v["source"]}`) failed: {shown}"
                : $"the kernel did not run the notebook: {shown}";
        }
        return $"the notebook client exited with {result.ExitCode}:\n{string.Join('\n', lines.TakeLast(30))}";
    }
}
