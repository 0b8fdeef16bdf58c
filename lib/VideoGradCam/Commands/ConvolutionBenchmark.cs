using System.Text.Json;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace bench convolutions</c>: what this machine's convolution mode costs. Runs <c>bench training</c> and
/// <c>bench cam</c> twice, in child processes: unguarded (<see cref="ConvolutionMode.OneDnn"/>, LibTorch as shipped)
/// and in the mode the check chose, and prints each measurement's ratio chosen / unguarded. On a CPU whose oneDNN is
/// faulty the unguarded run's numbers may be wrong; its speed is what is compared.
/// </summary>
public static class ConvolutionBenchmark
{
    public static int Run(Args a)
    {
        var chosen = ConvolutionVerdict.Load()?.Mode
            ?? throw new InvalidOperationException(
                "This machine has no convolution verdict yet: run ./workspace setup.");
        int steps = a.Int("steps", 5);
        var folder = Path.Combine(WorkspacePaths.Artifacts(), "bench", "convolutions");
        Directory.CreateDirectory(folder);
        var runs = new Dictionary<ConvolutionMode, (JsonElement Training, JsonElement Cam)>();
        foreach (var mode in new[] { ConvolutionMode.OneDnn, chosen }.Distinct())
        {
            Console.WriteLine($"bench convolutions: {mode.Name()} ...");
            var training = Child(mode, ["bench", "training", "--steps", steps.ToString(), "--sizes", "quick,full",
                "--out", Path.Combine(folder, $"training-{mode.Name()}.json")]);
            var cam = Child(mode, ["bench", "cam", "--reps", "5", "--explanations", "20", "--warmup", "10",
                "--out", Path.Combine(folder, $"cam-{mode.Name()}.json")]);
            runs[mode] = (training, cam);
        }
        var (baseTraining, baseCam) = runs[ConvolutionMode.OneDnn];
        var (modeTraining, modeCam) = runs[chosen];
        Console.WriteLine($"{ConvolutionVerdict.MachineKey()}");
        Console.WriteLine($"{"measurement",-40} {"onednn",10} {chosen.Name(),14} {"ratio",7}");
        var rows = new List<object>();
        void Row(string what, double unguarded, double guarded, bool higherIsBetter)
        {
            var ratio = higherIsBetter ? unguarded / guarded : guarded / unguarded;   // > 1: the chosen mode is slower
            Console.WriteLine($"{what,-40} {unguarded,10:0.###} {guarded,14:0.###} {ratio,7:0.00}x");
            rows.Add(new { what, unguarded, guarded, slowdown = ratio });
        }
        var guardedRows = modeTraining.GetProperty("Rows").EnumerateArray().ToList();
        foreach (var (row, i) in baseTraining.GetProperty("Rows").EnumerateArray().Select((r, i) => (r, i)))
            Row($"training {row.GetProperty("Model").GetString()} " +
                $"{row.GetProperty("Size").GetProperty("Name").GetString()} clips/s",
                row.GetProperty("ClipsPerSecond").GetDouble(), guardedRows[i].GetProperty("ClipsPerSecond").GetDouble(),
                    true);
        var guardedCam = modeCam.GetProperty("models").EnumerateArray().ToList();
        foreach (var (row, i) in baseCam.GetProperty("models").EnumerateArray().Select((r, i) => (r, i)))
            Row($"explain {row.GetProperty("model").GetString()} forward+map ms",
                row.GetProperty("forward_map_ms").GetDouble(),
                guardedCam[i].GetProperty("forward_map_ms").GetDouble(), false);
        var path = Path.Combine(WorkspacePaths.Artifacts(), "bench", "convolutions.json");
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new { machine = ConvolutionVerdict.MachineKey(),
            chosen = chosen.Name(), rows }, JsonDefaults.Indented));
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    /// <summary>Runs a verb of this workspace in <paramref name="mode"/> and reads the JSON it wrote (its
    /// --out).</summary>
    static JsonElement Child(ConvolutionMode mode, string[] arguments)
    {
        var run = ExternalProcess.Run("dotnet", [WorkspacePaths.Cli(), .. arguments],
            environment: new Dictionary<string, string> { [ConvolutionModes.EnvironmentVariable] = mode.Name() });
        if (run.ExitCode != 0) throw new InvalidOperationException(
            $"{string.Join(' ', arguments)} ({mode.Name()}) failed: " +
                                                                   run.Output.Trim().Split('\n')[^1]);
        return JsonDocument.Parse(File.ReadAllText(arguments[^1])).RootElement.Clone();
    }
}
