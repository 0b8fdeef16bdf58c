using System.Text.Json;
using VideoGradCam.Runtime;
using VideoGradCam.Study;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace check-convolutions</c>: checks every convolution shape of the study's models against float64 in each
/// candidate <see cref="ConvolutionMode"/> (each in a fresh process: oneDNN reads its settings once) and caches the
/// fastest mode that passes for this machine. <c>setup</c> runs it when the machine has no verdict yet.
/// </summary>
public static class CheckConvolutionsCommand
{
    public static readonly Verb Verb = new("check-convolutions",
        "check this CPU's convolutions against float64 and choose how they run (setup does it once per machine)",
        [
            Opt.Flag("force", "check again even when this machine has a verdict"),
            Opt.Value("candidate", "(internal) check one mode in this process and write the result", "MODE",
                (string?)null),
            Opt.Value("shapes", "(internal) the shapes to check, a JSON file", "FILE", (string?)null),
            Opt.Value("result", "(internal) where to write the candidate's result", "FILE", (string?)null),
        ], Run);

    static readonly JsonSerializerOptions Json = JsonDefaults.Create(enumNames: true);

    static int Run(Args a)
    {
        if (a.Optional("candidate") is { } candidate) return RunCandidate(candidate, a.Required("shapes"),
            a.Required("result"));
        var (verdict, _) = Check(force: a.Has("force"), say: Console.WriteLine);
        foreach (var c in verdict.Candidates)
            Console.WriteLine($"  {c.Mode,-14} {(c.Passed ? "passed" : $"FAILED {c.Failed}/{c.Shapes}"),-14} " +
                              $"{c.Seconds,7:0.000} s  {c.FirstFailure}");
        Console.WriteLine($"convolutions: {verdict.Reason}");
        return verdict.Passed ? 0 : 1;
    }

    /// <summary>This machine's verdict: the cached one when it covers the study's current shapes (unless
    /// <paramref name="force"/>), else a new check, saved.</summary>
    public static (ConvolutionVerdict Verdict, bool CheckedNow) Check(bool force, Action<string>? say = null)
    {
        var shapes = StudyConvolutions.Shapes();
        var key = StudyConvolutions.Key(shapes);
        if (!force && ConvolutionVerdict.Load() is { } cached && cached.CheckKey == key) return (cached, false);
        var folder = Directory.CreateTempSubdirectory("convolution-check").FullName;
        try
        {
            var shapesFile = Path.Combine(folder, "shapes.json");
            File.WriteAllText(shapesFile, JsonSerializer.Serialize(shapes, Json));
            say?.Invoke(
                $"convolutions: checking {shapes.Count} convolution shapes of the study's models against float64 " +
                "on poisoned memory, once for this machine");
            var verdict = ConvolutionChooser.Choose(mode => InChildProcess(mode, shapesFile, folder), key);
            verdict.Save();
            return (verdict, true);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>One mode checked in a fresh process; a process that crashes or hangs fails every shape.</summary>
    static ConvolutionCheck.Result InChildProcess(ConvolutionMode mode, string shapesFile, string folder)
    {
        var result = Path.Combine(folder, mode.Name() + ".json");
        var environment = new Dictionary<string, string> { [ConvolutionModes.EnvironmentVariable] = "" };
        var run = ExternalProcess.Run("dotnet", [WorkspacePaths.Cli(), "check-convolutions", "--candidate", mode.Name(),
            "--shapes", shapesFile, "--result", result], environment: environment, timeout: TimeSpan.FromMinutes(15));
        if (run.ExitCode == 0 && File.Exists(result))
            return JsonSerializer.Deserialize<ConvolutionCheck.Result>(File.ReadAllText(result), Json)!;
        var shapes = JsonSerializer.Deserialize<List<ConvolutionShape>>(File.ReadAllText(shapesFile), Json)!;
        var last = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return new ConvolutionCheck.Result(mode, shapes.Select(s => new ConvolutionCheck.ShapeOutcome(
            $"{s} (the check's process ended with exit code {run.ExitCode}: {last.Trim()})", double.NaN)).ToList(), 0);
    }

    static int RunCandidate(string mode, string shapesFile, string resultFile)
    {
        ConvolutionGuard.Apply(ConvolutionModes.Parse(mode), "check-convolutions --candidate");
        var shapes = JsonSerializer.Deserialize<List<ConvolutionShape>>(File.ReadAllText(shapesFile), Json)
            ?? throw new InvalidDataException($"{shapesFile}: no shapes.");
        var result = ConvolutionCheck.Run(shapes);
        AtomicFile.WriteAllText(resultFile, JsonSerializer.Serialize(result, Json));
        return 0;
    }
}
