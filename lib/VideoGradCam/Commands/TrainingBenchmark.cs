using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using VideoGradCam.Training;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace bench training</c>: training throughput (clips per second from the median step: forward, backward,
/// Adam step on random clips) per model at the quick and full sizes, and the process's peak working set. Writes
/// artifacts/bench/training.json.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>A training size: clip shape, model width, batch.</summary>
    public sealed record Size(string Name, int Frames, int Pixels, int Width, int Batch);

    /// <summary>What quick CPU training can afford (each model in minutes on 2 cores).</summary>
    public static readonly Size Quick = new("quick", 8, 32, 8, 8);
    /// <summary>The full profile's proposal: 16 frames at 64x64, width 16.</summary>
    public static readonly Size Full = new("full", 16, 64, 16, 8);
    /// <summary>torchvision's r3d_18 as published (16x112x112, width 64): for a GPU, or for patience.</summary>
    public static readonly Size Study = new("study", 16, 112, 64, 8);

    /// <summary>One model at one size: <paramref name="Steps"/> timed steps, their median's throughput.</summary>
    public sealed record Row(string Model, Size Size, int Steps, double ClipsPerSecond, double SecondsPerStep);

    public sealed record Result(string Device, int Threads, IReadOnlyList<Row> Rows, double PeakWorkingSetMB);

    public static int Run(Args a)
    {
        int steps = a.Int("steps", 7);
        var models = (a.Optional("models") ?? "r3d18,cnn-lstm,cnn-lstm-attention")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = (a.Optional("sizes") ?? "quick,full").Split(',').Select(s => s.Trim() switch
        {
            "quick" => Quick,
            "full" => Full,
            "study" => Study,
            _ => throw new UsageException($"Unknown size '{s}': use quick, full and/or study."),
        }).ToList();
        if (steps < 1) throw new UsageException("--steps must be at least 1.");
        foreach (var m in models)
            if (ModelRegistry.Find(m) is not { Kind: ModelKind.VideoClassifier }) throw new UsageException(
                $"Unknown model '{m}'. Known: {ModelRegistry.Names(ModelKind.VideoClassifier)}.");

        // The first configuration measured in a process runs several times slower even after its warm-up steps
        // (seen: r3d18 quick 4.3 s/step first, 0.5 s/step when measured again): warm the process up once, untimed.
        Measure(models[0], sizes[0], steps);
        var rows = new List<Row>();
        using (var p = new Progress("bench training", models.Length * sizes.Count))
        {
            foreach (var size in sizes)
                foreach (var m in models)
                {
                    var row = Measure(m, size, steps);
                    rows.Add(row);
                    p.Advance($"{m} {size.Name}: {row.ClipsPerSecond:0.##} clips/s");
                }
        }
        var result = new Result(ComputeDevice.Default.type.ToString(), torch.get_num_threads(), rows,
            Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0);

        Console.WriteLine($"{"model",-20} {"size",-6} {"clip",-12} {"width",5} {"batch",5} {"clips/s",9} {"s/step",8}");
        foreach (var r in rows)
            Console.WriteLine(
                $"{r.Model,-20} {r.Size.Name,-6} {$"{r.Size.Frames}x{r.Size.Pixels}x{r.Size.Pixels}",-12} " +
                $"{r.Size.Width,5} {r.Size.Batch,5} " +
                $"{r.ClipsPerSecond,9:0.##} {r.SecondsPerStep,8:0.###}");
        Console.WriteLine(
            $"peak working set: {result.PeakWorkingSetMB:0} MB ({result.Device}, {result.Threads} threads)");
        var path = a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "bench", "training.json"));
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(result, JsonDefaults.Indented));
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    /// <summary>Two warm-up steps, then <paramref name="steps"/> timed training steps on random clips; clips/s from the
    /// median step.</summary>
    public static Row Measure(string architecture, Size size, int steps)
    {
        Seeds.Set();
        var device = ComputeDevice.Default;
        using var model = VideoModels.Create(architecture, 10, size.Width, hiddenSize: 128, attentionSize: 64);
        model.to(device).train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        void Step()
        {
            using var _ = NewDisposeScope();
            var clips = randn([size.Batch, 3, size.Frames, size.Pixels, size.Pixels], device: device);
            var labels = randint(0, 10, [size.Batch], device: device);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(clips), labels);
            loss.backward();
            optimizer.step();
            loss.item<float>();
        }
        Step();                                 // LibTorch builds its convolution kernels for each new shape
        Step();                                 // in the first two steps (seen: 2.6 s vs 0.1 s forward for r3d18 quick)
        // The median step: robust to bursts of load from other processes on a shared machine.
        double median = BenchTiming.MedianSeconds(steps, Step);
        return new Row(architecture, size, steps, size.Batch / median, median);
    }
}
