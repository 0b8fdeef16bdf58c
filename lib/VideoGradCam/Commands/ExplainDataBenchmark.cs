using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using VideoGradCam.Cam;
using VideoGradCam.Models;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace bench explain-data [--profile quick] [--batch 8] [--reps 5]</c>: where the time of
/// <c>explain --data</c> goes, in one run on one folder, as videos/s: (a) decoding only; (b) the floor: decoding ahead
/// and one forward + backward pass per batch of clips, maps included, nothing written; (c) <c>explain --data</c>
/// writing JSON only; (d) writing every output. (c) and (d) are given as ratios to (b) (the issue's goals: at least
/// 0.9 and 0.5). The profile's r3d18 checkpoint and synthetic set are made when missing, as <c>reproduce</c> makes
/// them; (b)-(d) run one after another <c>--reps</c> times (the order alternating, the files written flushed and
/// the garbage collected before each); a ratio is the median of the
/// ratios within each repetition, so that a drift in the machine's load between repetitions cancels out; rates are
/// medians. Beside videos per second of
/// wall time it gives videos per CPU-second (this process and its ffmpeg children): the same ratios without the
/// noise of other processes on a shared machine.
/// </summary>
public static class ExplainDataBenchmark
{
    const double JsonGoal = 0.9, AllGoal = 0.5;

    public static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        int batch = a.Int("batch", ExplainPipelineOptions.DefaultBatch), reps = a.Int("reps", 5);
        if (reps < 1) throw new UsageException($"--reps {reps}: at least 1.");
        var outPath = a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "bench", "explain-data.json"));
        Seeds.Set();
        var run = ModelChoice.Run(ModelChoice.For(profile));
        var data = a.Optional("data") ?? run.Actions.EnsureActions(profile);
        var checkpointFolder = a.Optional("checkpoint") ?? ClassifierStudy.EnsureTrained(ModelRegistry.R3D18.Name, run);
        var checkpoint = Checkpoint.Load(checkpointFolder);
        var spec = checkpoint.Info.Data;
        var videos = VideoDataset.FromFolders(data).Items.Select(i => i.Path).ToList();
        var options = new ExplainPipelineOptions(Batch: batch).Validated();
        var settings = new CamSettings();

        Console.WriteLine($"CPU: {Cpu()}; {ComputeDevice.Describe()}");
        Console.WriteLine($"clips: {profile.Name()} profile {spec.Frames}×{spec.Height}×{spec.Width} ({Sizes()}); " +
                          $"{checkpoint.Info.Model.Architecture} from {checkpointFolder}; {videos.Count} videos in " +
                          $"{data}; batch {options.Batch}, {options.Writers} writers, {reps} rep(s)");
        var scratch = Directory.CreateTempSubdirectory("bench-explain-data").FullName;
        try
        {
            var jobs = videos.Select((v, i) => new ExplainJob(v, "", scratch, $"v{i}")).ToList();
            var none = options with { Outputs = ExplanationOutputs.None };
            // Warm-up: every path measured below runs once first (compiled, its libraries loaded), on a few clips.
            var warmJobs = videos.Take(4 * batch).Select((v, i) => new ExplainJob(v, "", Path.Combine(scratch, "warm"),
                $"w{i}")).ToList();
            foreach (var outputs in new[] { ExplanationOutputs.None, ExplanationOutputs.Json, ExplanationOutputs.All })
                ExplainPipeline.Run(checkpoint, warmJobs, null, settings, options with { Outputs = outputs });
            Directory.Delete(Path.Combine(scratch, "warm"), recursive: true);
            var sampler = ClassifierStudy.Sampler(spec);
            var decode = Rate(videos.Count, () =>
            {
                foreach (var v in videos) FrameSampler.SamplePixels(v, sampler);
            });
            var floor = new List<Speed>(); var json = new List<Speed>(); var all = new List<Speed>();
            for (int r = 0; r < reps; r++)
            {
                // The last repetition's outputs are deleted before, not while, the clock runs.
                string jsonOut = Fresh(scratch, "json"), allOut = Fresh(scratch, "all");
                // Alternate the order, so a drift in the machine's load does not favour one side.
                var steps = new (List<Speed> Into, Action Run)[]
                {
                    (floor, () => ExplainPipeline.Run(checkpoint, jobs, null, settings, none)),
                    (json, () => Explain(checkpoint, data, settings, jsonOut,
                        options with { Outputs = ExplanationOutputs.Json })),
                    (all, () => Explain(checkpoint, data, settings, allOut, options)),
                };
                foreach (var (into, step) in r % 2 == 0 ? steps : steps.Reverse())
                {
                    Settle();
                    into.Add(Rate(videos.Count, step));
                }
            }
            Speed f = Median(floor), j = Median(json), e = Median(all);
            Speed jr = Ratio(json, floor), er = Ratio(all, floor);
            var dr = new Speed(decode.Wall / f.Wall, decode.Cpu / f.Cpu);
            Console.WriteLine();
            Console.WriteLine($"{"",-46}{"videos/s",10}{"× floor",9}{"videos/CPU-s",14}{"× floor",9}");
            void Row(string what, Speed x, Speed ratio, string goal = "") =>
                Console.WriteLine(
                    $"{what,-46}{x.Wall,10:0.0}{ratio.Wall,9:0.00}{x.Cpu,14:0.0}{ratio.Cpu,9:0.00}{goal}");
            string Goal(Speed ratio, double goal) => $"  goal ≥ {goal}: {(ratio.Wall >= goal ? "met" : "NOT met")}";
            Row("(a) decode only", decode, dr);
            Row("(b) decode + forward + gradient (the floor)", f, new Speed(1, 1));
            Row("(c) explain --data, JSON only", j, jr, Goal(jr, JsonGoal));
            Row("(d) explain --data, every output", e, er, Goal(er, AllGoal));
            var report = new Dictionary<string, object>
            {
                ["cpu"] = Cpu(), ["device"] = ComputeDevice.Describe(), ["profile"] = profile.Name(),
                ["clip"] = new[] { spec.Frames, spec.Height, spec.Width }, ["profiles"] = Sizes(),
                ["videos"] = videos.Count, ["batch"] = options.Batch, ["writers"] = options.Writers, ["reps"] = reps,
                ["decode"] = decode, ["floor"] = f, ["json"] = j, ["all"] = e,
                ["json_ratio"] = jr.Wall, ["all_ratio"] = er.Wall, ["json_ratio_cpu"] = jr.Cpu,
                ["all_ratio_cpu"] = er.Cpu, ["json_goal_met"] = jr.Wall >= JsonGoal,
                ["all_goal_met"] = er.Wall >= AllGoal,
                ["floor_runs"] = floor, ["json_runs"] = json, ["all_runs"] = all,
            };
            AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(report, JsonDefaults.Indented));
            Console.WriteLine($"wrote {outPath}");
        }
        finally { Directory.Delete(scratch, recursive: true); }
        return 0;
    }

    static void Explain(LoadedCheckpoint checkpoint, string data, CamSettings settings, string output,
        ExplainPipelineOptions options) =>
        DataSetExplainer.ExplainFolder(checkpoint, data, null, settings, output, 1, 1, options);

    /// <summary>An empty folder <paramref name="name"/> under <paramref name="scratch"/>.</summary>
    static string Fresh(string scratch, string name)
    {
        var dir = Path.Combine(scratch, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return dir;
    }

    /// <summary>Both profiles' clip sizes (frames × height × width), as the study trains its classifiers.</summary>
    static string Sizes()
    {
        string Size(Profile p)
        {
            var s = ClassifierSettings.For(ModelRegistry.R3D18.Name, p);
            return $"{p.Name()} {s.Frames}×{s.Size}×{s.Size}";
        }
        return $"{Size(Profile.Quick)}, {Size(Profile.Full)}";
    }

    /// <summary>The CPU's name, family and model, logical CPUs, and whether it has AVX-512 (Linux: /proc/cpuinfo).
    /// </summary>
    static string Cpu()
    {
        var text = $"{ConvolutionVerdict.Cpu()}, {Environment.ProcessorCount} logical CPUs";
        if (!File.Exists("/proc/cpuinfo")) return text;
        var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList();
        string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name + "\t", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim() ?? "?";
        var avx512 = Field("flags").Split(' ').Contains("avx512f") ? "AVX-512" : "no AVX-512";
        return $"{text} (family {Field("cpu family")} model {Field("model")}, {avx512})";
    }

    /// <summary>Before a step, outside its clock: the last step's written files flushed to disk and its garbage
    /// collected, so that no step pays for the one before it (the kernel writes dirty pages back while the next step
    /// runs).</summary>
    static void Settle()
    {
        if (OperatingSystem.IsLinux()) sync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [DllImport("libc")]
    static extern void sync();

    /// <summary>Videos per second of wall time and per CPU-second.</summary>
    public sealed record Speed(double Wall, double Cpu);

    static Speed Rate(int count, Action run)
    {
        var cpu = CpuSeconds();
        var clock = Stopwatch.StartNew();
        run();
        return new Speed(count / clock.Elapsed.TotalSeconds, count / Math.Max(1e-9, CpuSeconds() - cpu));
    }

    /// <summary>The median over repetitions of <paramref name="runs"/>[r] / <paramref name="floor"/>[r], wall and CPU
    /// apart.</summary>
    static Speed Ratio(List<Speed> runs, List<Speed> floor) =>
        new(Median(runs.Zip(floor, (x, f) => x.Wall / f.Wall)), Median(runs.Zip(floor, (x, f) => x.Cpu / f.Cpu)));

    /// <summary>The median of each column (wall and CPU apart).</summary>
    static Speed Median(List<Speed> values) =>
        new(Median(values.Select(v => v.Wall)), Median(values.Select(v => v.Cpu)));

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>CPU seconds used so far by this process and its finished children (Linux: getrusage); elsewhere this
    /// process's only.</summary>
    static double CpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        static double Of(int who) => getrusage(who, out var u) == 0
            ? u.UserSeconds + u.UserMicros / 1e6 + u.SystemSeconds + u.SystemMicros / 1e6 : 0;
        return Of(0) + Of(-1);                                            // RUSAGE_SELF + RUSAGE_CHILDREN
    }

    /// <summary>The start of Linux's <c>struct rusage</c> (two timevals), then the 14 longs that follow.</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct Usage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int getrusage(int who, out Usage usage);
}
