using System.Text.Json;
using VideoGradCam.Cam;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace explain</c>: Grad-CAM for one video (HTML strip + MP4 + per-frame importance JSON), or for every
/// video of a folder (resumable, shardable across machines, one index).
/// </summary>
public static class ExplainCommand
{
    public static readonly Verb Verb = new("explain",
        "Grad-CAM for a video or a whole folder (HTML, MP4, JSON), or for SfMLearner's snippets and sequences",
        [
            Opt.Required("checkpoint", "classifier checkpoint folder, or SfMLearner checkpoint file (.sfm)", "CKPT"),
            Opt.Value("video", "explain one video (file or frame folder)", "FILE", (string?)null),
            Opt.Value("data", "explain every video of class folders (SfMLearner: the odometry data)", "DIR",
                (string?)null),
            Opt.Value("shard", "with --data: this machine's share, k of n", "k/n", "1/1"),
            Opt.Computed("target", "the class explained: a name, an index, true (the video's class) or predicted",
                "CLASS", "predicted"),
            Opt.Value("method", "the CAM method: " + CamSettings.MethodNames, "METHOD", "gradcam"),
            Opt.Computed("layer", "the layer explained", "NAME",
                "the checkpoint's study layer (SfMLearner: pose.conv4)"),
            Opt.Computed("weighting", "channel weights over the whole clip (global) or per time step (time)",
                "global|time", "per model: time for frame-wise models"),
            Opt.Computed("start", "first frame of a window of frames (consecutive with --stride)", "FRAME",
                "the windows spread over the video"),
            Opt.Computed("stride", "frame step inside a window; 0 spreads the clip over the whole video", "S",
                "the checkpoint's recipe: 1 for Kinetics weights, else 0"),
            Opt.Value("windows", "explain this many windows of the video, one page each", "N", "1"),
            Opt.Computed("out", "output folder (SfMLearner --snippet: the JSON file)", "DIR",
                "artifacts/odometry/... for SfMLearner; required for classifiers"),
            Opt.Value("snippet", "SfMLearner: explain one snippet SEQUENCE:FRAME (e.g. 02:40)", "SEQ:FRAME",
                (string?)null),
            Opt.Value("fraction", "SfMLearner --snippet: share of pixels masked in the faithfulness check", "F", "0.1"),
            Opt.Flag("mask-all-frames",
                "SfMLearner --snippet: mask the salient pixels in every frame, not only the target"),
            Opt.Value("sequence", "SfMLearner: explain a whole sequence", "SEQ", (string?)null),
            Opt.Computed("every", "SfMLearner --sequence: every k-th snippet", "K", "so that at most 32 are shown"),
            Opt.Profile,
        ], Run);

    static int Run(Args a)
    {
        if (a.Has("snippet")) return OdometryCommands.Explain(a);
        if (a.Has("sequence")) return OdometryCommands.ExplainSequence(a);
        Cli.ReadProfile(a);
        var checkpoint = a.Required("checkpoint");
        var video = a.Optional("video");
        var data = a.Optional("data");
        var shard = a.Optional("shard");
        var target = a.Optional("target");
        CamSettings settings;
        try
        {
            settings = new CamSettings(CamSettings.ParseMethod(a.String("method", "gradcam")),
                a.Optional("weighting") is { } w ? CamSettings.ParseWeighting(w) : null, a.Optional("layer"));
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var output = a.Required("out");
        int? start = a.Has("start") ? a.Int("start", 0) : null, stride = a.Has("stride") ? a.Int("stride", 0) : null;
        int windows = a.Int("windows");
        if (start < 0) throw new UsageException($"--start {start}: a frame index, 0 or more.");
        if (stride < 0) throw new UsageException(
            $"--stride {stride}: 0 (frames spread over the video) or a frame step of 1 or more.");
        if (windows < 1) throw new UsageException($"--windows {windows}: at least 1.");
        if ((video is null) == (data is null)) throw new UsageException(
            "Give exactly one of --video FILE or --data DIR.");
        if (File.Exists(checkpoint))
            throw new InvalidDataException(
                $"{checkpoint}: a file (an SfMLearner checkpoint?); explain SfMLearner with --data DIR and --snippet " +
                "SEQ:FRAME or --sequence SEQ, " +
                "a video classifier with its checkpoint folder.");
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException(
            $"{checkpoint}: no such checkpoint folder.");
        var loaded = Checkpoint.Load(checkpoint);
        if (settings.Layer is { } layer && !loaded.Model.AsCamModel().LayerNames.Contains(layer))
            throw new UsageException($"--layer {layer}: {loaded.Model.Architecture} has layers " +
                                     $"{string.Join(", ", loaded.Model.AsCamModel().LayerNames.Nearest(layer))}, ... " +
                                     "(the nearest)");

        Console.WriteLine($"explain: layer {settings.LayerFor(loaded.Model)}"
            + (settings.Layer is null ? " (the checkpoint's study layer; --layer changes it)" : "") +
            $"; target {(target ?? "predicted")}" + (target is null
                              ? " (the predicted class, the default; --target true or a class name changes it)" : "") +
                              $"; clips: {loaded.Info.Data.Recipe()}" + (start is not null || stride is not null
                              || windows > 1 ? " (changed by --start/--stride/--windows)" : ""));
        if (video is not null)
        {
            for (int w = 0; w < windows; w++)
            {
                var window = start is null && stride is null && windows == 1 ? null
                    : new ClipWindow(start, stride, w, windows);
                var s = CamStudy.ExplainVideo(loaded, video, target, settings, output, window: window);
                Console.WriteLine(
                    $"explain: {Path.GetFileName(video)} frames {s.SourceFrames[0]}–{s.SourceFrames[^1]}: target " +
                    $"'{s.Target}' " +
                    $"(p={CamStudy.Probability(s.TargetProbability)}), predicted '{s.Predicted}'");
                Console.WriteLine(
                    "explain: per-frame importance " +
                    $"{string.Join(" ", s.FrameImportance.Select(v => v.ToString("0.00")))}");
                Console.WriteLine($"explain: wrote {s.OutputStem}.html, .mp4, .json");
            }
            return 0;
        }
        var (k, n) = ParseShard(shard);
        var done = ExplainFolder(loaded, data!, target, settings, output, k, n);
        Console.WriteLine(
            $"explain: {done.Count} videos in shard {k}/{n}; index " +
            $"{Path.Combine(output, n == 1 ? "index.html" : $"index-{k}-of-{n}.html")} (and .json)");
        return 0;
    }

    public static (int K, int N) ParseShard(string? shard)
    {
        if (shard is null) return (1, 1);
        var parts = shard.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var k) && int.TryParse(parts[1], out var n) && n >= 1
            && k >= 1 && k <= n) return (k, n);
        throw new UsageException($"--shard {shard}: expected k/n with 1 <= k <= n (e.g. 2/4).");
    }

    /// <summary>The plotly.js every page of an <c>explain --data</c> run loads, in the output folder.</summary>
    public const string PlotlyFile = "plotly.min.js";

    /// <summary>One line of the index: a video and where its explanation is.</summary>
    public sealed record IndexEntry(string Video, string Class, string Output, string Target, string Predicted,
        double TargetProbability, double[] FrameImportance);

    /// <summary>
    /// Explains every video of shard <paramref name="k"/> of <paramref name="n"/> (videos i with i mod n = k-1, in the
    /// dataset's order). Videos whose outputs are complete are skipped, so an interrupted run resumes.
    /// </summary>
    public static IReadOnlyList<IndexEntry> ExplainFolder(LoadedCheckpoint checkpoint, string data, string? target,
        CamSettings settings, string output, int k = 1, int n = 1)
    {
        var dataset = VideoDataset.FromFolders(data);
        var items = dataset.Items.Where((_, i) => i % n == k - 1).ToList();
        var index = new List<IndexEntry>();
        // One local plotly.js for every page of the run (offline, written once): pages stay small.
        var plotly = Path.Combine(output, PlotlyFile);
        if (!File.Exists(plotly)) AtomicFile.WriteAllText(plotly, FigurePage.PlotlyJavaScript);
        using var progress = new Progress($"explain shard {k}/{n}", items.Count);
        foreach (var item in items)
        {
            var cls = dataset.ClassNames[item.Label];
            var folder = Path.Combine(output, cls);
            var name = Path.GetFileNameWithoutExtension(item.Path);
            var json = Path.Combine(folder, name + ".json");
            if (File.Exists(json) && File.Exists(Path.Combine(folder, name + ".mp4"))
                && File.Exists(Path.Combine(folder, name + ".html")))
            {
                index.Add(FromJson(item.Path, cls, Path.Combine(folder, name), json, checkpoint.Info.ClassNames));
                progress.Advance($"{name}: already explained");
                continue;
            }
            var s = CamStudy.ExplainVideo(checkpoint, item.Path, target, settings, folder, name, plotlyScript: "../"
                + PlotlyFile);
            index.Add(new IndexEntry(item.Path, cls, s.OutputStem, s.Target, s.Predicted, s.TargetProbability,
                s.FrameImportance));
            progress.Advance($"{name}: '{s.Target}'");
        }
        AtomicFile.WriteAllText(Path.Combine(output, $"index-{k}-of-{n}.json"),
            JsonSerializer.Serialize(index, JsonDefaults.Indented));
        var rows = index.Select(e =>
        {
            var stem = Path.GetRelativePath(output, e.Output).Replace(Path.DirectorySeparatorChar, '/');
            return new ExplanationIndexPage.Row(Path.GetFileName(e.Video), e.Class, e.Predicted, e.Target,
                e.TargetProbability, stem + ".html",
                File.Exists(e.Output + ".png") ? stem + ".png" : null);
        }).ToList();
        var title = $"Grad-CAM explanations of {data}" + (n > 1 ? $" (shard {k} of {n})" : "");
        ExplanationIndexPage.Write(Path.Combine(output, n == 1 ? "index.html" : $"index-{k}-of-{n}.html"), title, rows);
        return index;
    }

    /// <summary>The index entry of a video explained by an earlier run, read back from its JSON.</summary>
    static IndexEntry FromJson(string video, string cls, string stem, string json, IReadOnlyList<string> classNames)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var importance = root.GetProperty("frame_importance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var title = root.GetProperty("title").GetString() ?? "";
        var target = Between(title, "target '", "'");
        var logits =
            root.GetProperty("outputs").GetProperty("logits").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int t = classNames.ToList().IndexOf(target);
        double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
        double probability = t < 0 ? double.NaN : Math.Exp(logits[t] - max) / sum;          // softmax at the target
        return new IndexEntry(video, cls, stem, target, Between(title, "predicted '", "'"), probability, importance);
    }

    static string Between(string s, string start, string end)
    {
        int i = s.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return "";
        i += start.Length;
        int j = s.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? "" : s[i..j];
    }
}
