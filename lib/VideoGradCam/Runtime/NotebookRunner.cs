using System.Text.Json.Nodes;

namespace VideoGradCam.Runtime;

/// <summary>
/// Executes a notebook headless with dotnet-repl (a local dotnet tool, see .config/dotnet-tools.json) and writes
/// the executed notebook, outputs included. A cell that throws fails the run; the failure names the cell.
/// Runs from the notebook's folder, because dotnet-repl ignores --working-dir and cells use relative paths.
/// </summary>
public static class NotebookRunner
{
    public sealed record Outcome(string Notebook, bool Passed, string OutputPath, TimeSpan Duration, string? Failure, string Log);

    public static IReadOnlyList<string> All(string? folder = null) =>
        Directory.EnumerateFiles(folder ?? WorkspacePaths.Notebooks(), "*.ipynb")
                 .Where(f => char.IsDigit(Path.GetFileName(f)[0]))
                 .OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <param name="data">the data the notebook runs on, passed as environment variables that <c>StudyData.Current()</c> reads
    /// (default: this process's choice, synthetic unless set).</param>
    public static Outcome Run(string notebook, string outputFolder, Profile profile, TimeSpan? timeout = null, Study.StudyData? data = null)
    {
        notebook = Path.GetFullPath(notebook);
        if (!File.Exists(notebook)) throw new FileNotFoundException($"Notebook not found: {notebook}", notebook);
        Directory.CreateDirectory(outputFolder);
        var output = Path.Combine(Path.GetFullPath(outputFolder), Path.GetFileName(notebook));
        var started = DateTime.UtcNow;
        var env = new Dictionary<string, string>
        {
            [Profiles.EnvironmentVariable] = profile.Name(),
            ["WORKSPACE_ARTIFACTS"] = WorkspacePaths.Artifacts(),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (k, v) in (data ?? Study.StudyData.Current()).EnvironmentVariables()) env[k] = v;
        var result = ExternalProcess.Run("dotnet",
            ["tool", "run", "dotnet-repl", "--", "--run", notebook, "--exit-after-run", "--output-path", output],
            workingDirectory: Path.GetDirectoryName(notebook), environment: env, timeout: timeout ?? TimeSpan.FromMinutes(30));
        var duration = DateTime.UtcNow - started;
        var failure = result.ExitCode == 0 ? null : DescribeFailure(output, result);
        return new Outcome(Path.GetFileName(notebook), result.ExitCode == 0, output, duration, failure, result.Output);
    }

    /// <summary>The first failing cell of an executed notebook (its index, first line and error), else the log's tail.</summary>
    static string DescribeFailure(string executed, ExternalProcess.Result result)
    {
        if (File.Exists(executed))
        {
            try
            {
                var cells = JsonNode.Parse(File.ReadAllText(executed))?["cells"]?.AsArray() ?? [];
                for (int i = 0; i < cells.Count; i++)
                {
                    foreach (var o in cells[i]?["outputs"]?.AsArray() ?? [])
                    {
                        var kind = o?["output_type"]?.GetValue<string>();
                        var isError = kind == "error" || (kind == "stream" && o?["name"]?.GetValue<string>() == "stderr");
                        if (!isError) continue;
                        var message = kind == "error"
                            ? $"{o?["ename"]}: {o?["evalue"]}"
                            : string.Concat((o?["text"]?.AsArray() ?? []).Select(t => t?.GetValue<string>()));
                        var source = string.Concat((cells[i]?["source"]?.AsArray() ?? []).Select(t => t?.GetValue<string>()));
                        var firstLine = source.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";
                        var lines = message.Trim().Split('\n');
                        var shown = string.Join('\n', lines.Take(8)) + (lines.Length > 8 ? $"\n... ({lines.Length - 8} more lines)" : "");
                        return $"cell {i + 1} (`{firstLine.Trim()}`) failed: {shown}";
                    }
                }
            }
            catch (System.Text.Json.JsonException) { }
        }
        var tail = string.Join('\n', result.Output.Split('\n').TakeLast(30));
        return $"dotnet-repl exited with {result.ExitCode}:\n{tail}";
    }
}
