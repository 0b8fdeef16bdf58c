using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using VideoGradCam.Cam;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace bench cam [--frames 16] [--size 112] [--width 16] [--reps 5] [--explanations 1000] [--warmup 1500]
/// [--memory-size 32]</c>: (1) time(forward + map) / time(forward + full backward) for a small 3D net and a small
/// CNN-LSTM (the map stops at the target layer, a full backward reaches every parameter and the input); (2) per-frame
/// maps for T frames in one pass vs one pass per frame (the original CNN-LSTM code's way); (3) resident memory across
/// consecutive explanations.
/// </summary>
public static class CamBenchmark
{
    public static int Run(Args a)
    {
        int frames = a.Int("frames", 16), size = a.Int("size", 112), width = a.Int("width", 16),
            reps = a.Int("reps", 5);
        int explanations = a.Int("explanations", 1000), memorySize = a.Int("memory-size", 32),
            warmup = a.Int("warmup", 1500);
        var outPath = a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "bench", "cam.json"));
        Seeds.Set();
        Console.WriteLine(ComputeDevice.Describe());
        Console.WriteLine($"clips 1x3x{frames}x{size}x{size}, width {width}, median of {reps} runs");

        var volume = new BenchVolumeNet(width);
        var framewise = new BenchCnnLstm(width);
        using var clip = randn(new long[] { 1, 3, frames, size, size });
        var rows = new List<Dictionary<string, object>>();
        foreach (var (name, model) in new (string, nn.Module<Tensor, Tensor>)[] { ("3d-conv", volume),
            ("frame-wise", framewise) })
        {
            var engine = new CamEngine(new ModuleCamModel(model));
            // Interleaved runs (map, full, map, full...) so both see the same machine load; ratio = median of per-run
            // ratios.
            var (map, full, ratio) =
                Paired(reps, () => { using var r = engine.Explain(clip, [new ClassTarget(0)], Layer); },
                () => FullBackward(model, clip));
            rows.Add(new() { ["model"] = name, ["forward_map_ms"] = map, ["forward_full_backward_ms"] = full,
                ["ratio"] = ratio });
            Console.WriteLine(
                $"{name,-9} forward+map {map,8:0.0} ms   forward+full backward {full,8:0.0} ms   ratio {ratio:0.000}");
        }

        // Per-frame maps: one pass for all T frames vs one pass per frame (each frame's map from its own backward).
        var fwEngine = new CamEngine(new ModuleCamModel(framewise), CamMethod.GradCam, TemporalWeighting.TimeResolved);
        var (onePass, perFrame, passRatio) =
            Paired(Math.Max(1, reps / 2), () => { using var r = fwEngine.Explain(clip, [new ClassTarget(0)], Layer); },
            () => PerFramePasses(framewise, clip));
        Console.WriteLine(
            $"per-frame maps, T={frames}: one pass {onePass:0.0} ms, one pass per frame {perFrame:0.0} ms, speed-up " +
            $"{1 / passRatio:0.0}x");

        // Memory: RSS across consecutive explanations, 3D net and CNN-LSTM alternating. Measured here: RSS climbs for
        // about 1,200 explanations (the native allocator's arenas growing; live tensors and the managed heap stay
        // constant), then stays flat; so the 1,000 measured explanations follow a warm-up of 1,500.
        using var small = randn(new long[] { 2, 3, frames, memorySize, memorySize });
        var e3 = new CamEngine(new ModuleCamModel(volume), CamMethod.GradCamPlusPlus, TemporalWeighting.TimeResolved);
        var e2 = new CamEngine(new ModuleCamModel(framewise), CamMethod.LayerCam);
        ICamTarget[] targets = [new ClassTarget(0), new ClassProbabilityTarget(1)];
        using (var p = new Progress("warm-up explanations", warmup))
            for (int i = 0; i < warmup; i++)
            {
                using (var r = (i % 2 == 0 ? e3 : e2).Explain(small, targets, Layer)) { }
                if (i % 100 == 99) p.Advance($"RSS {Rss() / 1e6:0} MB", 100);
            }
        GC.Collect(); GC.WaitForPendingFinalizers();
        long rssStart = Rss(), managedStart = GC.GetTotalMemory(true);
        long liveStart = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var samples = new List<long>();
        using (var p = new Progress("explanations", explanations))
            for (int i = 0; i < explanations; i++)
            {
                using (var r = (i % 2 == 0 ? e3 : e2).Explain(small, targets, Layer)) { }
                if (i % 100 == 99) { samples.Add(Rss()); p.Advance($"RSS {Rss() / 1e6:0} MB", 100); }
            }
        GC.Collect(); GC.WaitForPendingFinalizers();
        long rssEnd = Rss(), managedEnd = GC.GetTotalMemory(true);
        long liveEnd = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        double change = (rssEnd - rssStart) / (double)rssStart;
        Console.WriteLine(
            $"RSS over {explanations} explanations: start {rssStart / 1e6:0.0} MB, end {rssEnd / 1e6:0.0} MB, change " +
            $"{change:+0.0%;-0.0%}" +
            $" ({(Math.Abs(change) <= 0.05 ? "flat within 5%" : "NOT flat")}); live tensors " +
            $"{liveStart} -> {liveEnd}, managed heap {managedStart / 1e6:0.0} -> " +
            $"{managedEnd / 1e6:0.0} MB");

        var report = new Dictionary<string, object>
        {
            ["device"] = ComputeDevice.Describe(), ["clip"] = new[] { 1, 3, frames, size, size }, ["width"] = width,
                ["reps"] = reps,
            ["models"] = rows,
            ["per_frame"] = new Dictionary<string, object> { ["frames"] = frames, ["one_pass_ms"] = onePass,
                ["pass_per_frame_ms"] = perFrame, ["speedup"] = 1 / passRatio },
            ["memory"] = new Dictionary<string, object>
            {
                ["explanations"] = explanations, ["warmup"] = warmup,
                    ["clip"] = new[] { 2, 3, frames, memorySize, memorySize },
                ["rss_start_bytes"] = rssStart, ["rss_end_bytes"] = rssEnd, ["live_tensors_start"] = liveStart,
                    ["live_tensors_end"] = liveEnd,
                ["managed_start_bytes"] = managedStart, ["managed_end_bytes"] = managedEnd,
                    ["relative_change"] = change, ["rss_every_100"] = samples,
            },
        };
        AtomicFile.WriteAllText(outPath, JsonSerializer.Serialize(report, JsonDefaults.Indented));
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    static long Rss() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64; }

    /// <summary>Runs a and b alternately (after one warm-up each): medians of each and the median of the per-run ratios
    /// a/b.</summary>
    static (double A, double B, double Ratio) Paired(int reps, Action a, Action b)
    {
        a(); b();
        var ta = new List<double>(); var tb = new List<double>(); var ratios = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew(); a(); double x = sw.Elapsed.TotalMilliseconds;
            sw.Restart(); b(); double y = sw.Elapsed.TotalMilliseconds;
            ta.Add(x); tb.Add(y); ratios.Add(x / y);
        }
        static double Mid(List<double> v) { v.Sort(); return v[v.Count / 2]; }
        return (Mid(ta), Mid(tb), Mid(ratios));
    }

    /// <summary>What pytorch-grad-cam pays: forward, then backward to every parameter (and the input).</summary>
    static void FullBackward(nn.Module<Tensor, Tensor> model, Tensor clip)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        model.call(clip.detach().requires_grad_(true))[0, 0].backward();
        model.zero_grad();
    }

    /// <summary>The T-copies way: a separate forward and backward for each frame's map.</summary>
    static void PerFramePasses(nn.Module<Tensor, Tensor> model, Tensor clip)
    {
        var engine = new CamEngine(new ModuleCamModel(model), CamMethod.GradCam, TemporalWeighting.TimeResolved);
        for (int t = 0; t < clip.shape[2]; t++)
        {
            using var r = engine.Explain(clip, [new ClassTarget(0)], Layer);
            using var frame = r.Maps[.., t].clone();
        }
    }

    /// <summary>The layer both bench models explain: their last convolution.</summary>
    const string Layer = "conv3";

    /// <summary>A small 3D conv net: three strided Conv3d+ReLU stages (width, 2 width, 4 width), GAP, fc.</summary>
    sealed class BenchVolumeNet : nn.Module<Tensor, Tensor>
    {
        readonly Conv3d conv1, conv2, conv3;
        readonly Linear fc;

        public BenchVolumeNet(int width) : base(nameof(BenchVolumeNet))
        {
            conv1 = nn.Conv3d(3, width, (3, 7, 7), stride: (1, 2, 2), padding: (1, 3, 3));
            conv2 = nn.Conv3d(width, 2 * width, (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1));
            conv3 = nn.Conv3d(2 * width, 4 * width, (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1));
            fc = nn.Linear(4 * width, 5);
            RegisterComponents();
        }

        // [B,3,T,H,W] -> [B,4w,T/4,H/8,W/8] -> [B,5]
        public override Tensor forward(Tensor x) =>
            fc.call(conv3.call(conv2.call(conv1.call(x).relu()).relu()).relu().mean([2, 3, 4]));
    }

    /// <summary>A small CNN-LSTM: per-frame Conv2d+ReLU stages (width, 2 width, 4 width, stride 2), GAP, LSTM,
    /// fc.</summary>
    sealed class BenchCnnLstm : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv1, conv2, conv3;
        readonly LSTM lstm;
        readonly Linear fc;

        public BenchCnnLstm(int width) : base(nameof(BenchCnnLstm))
        {
            conv1 = nn.Conv2d(3, width, 7, stride: 2, padding: 3);
            conv2 = nn.Conv2d(width, 2 * width, 3, stride: 2, padding: 1);
            conv3 = nn.Conv2d(2 * width, 4 * width, 3, stride: 2, padding: 1);
            lstm = nn.LSTM(4 * width, 4 * width, batchFirst: true);
            fc = nn.Linear(4 * width, 5);
            RegisterComponents();
        }

        public override Tensor forward(Tensor clips) // [B,3,T,H,W] -> [B*T,3,H,W] -> [B*T,4w,H/8,W/8] -> [B,5]
        {
            long b = clips.shape[0], t = clips.shape[2];
            var f = clips.permute(0, 2, 1, 3, 4).reshape(b * t, 3, clips.shape[3], clips.shape[4]);
            var a = conv3.call(conv2.call(conv1.call(f).relu()).relu()).relu();
            var (o, _, _) = lstm.call(a.mean([2, 3]).reshape(b, t, -1)); // [B,T,4w]
            return fc.call(o.select(1, -1));
        }
    }
}
