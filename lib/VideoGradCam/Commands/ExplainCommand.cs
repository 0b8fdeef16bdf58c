using VideoGradCam.Cam;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Training;

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
            Opt.Computed("checkpoint", "classifier checkpoint folder, or SfMLearner checkpoint file (.sfm)", "CKPT",
                "required, except with --merge"),
            Opt.Value("video", "explain one video (file or frame folder)", "FILE", (string?)null),
            Opt.Value("data", "explain every video of class folders (SfMLearner: the odometry data)", "DIR",
                (string?)null),
            Opt.Value("shard", "with --data: this machine's share, k of n; auto: from a Slurm job array or a " +
                $"Kubernetes Indexed Job (JOB_COMPLETION_INDEX with {ShardChoice.CompletionsVariable})", "k/n|auto",
                "1/1"),
            Opt.Value("outputs", "with --data: what each video gets, comma-separated: " +
                $"{ExplanationOutputChoice.Names} or all (the JSON is always written: resuming and --merge read it)",
                "LIST", "all"),
            Opt.Value("batch", "with --data: clips explained together in one forward and backward pass", "B",
                ExplainPipelineOptions.DefaultBatch.ToString()),
            Opt.Value("writers", "with --data: tasks writing outputs while the next batch is explained", "N",
                ExplainPipelineOptions.DefaultWriters.ToString()),
            Opt.Flag("merge",
                "join the shards' indexes in --out into one index.html and index.json (every video once)"),
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
        if (a.Flag("merge")) return Merge(a);
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
        var (k, n) = data is null ? (1, 1) : ShardChoice.Parse(shard, ShardChoice.ProcessEnvironment());
        ExplainPipelineOptions pipeline;
        try
        {
            pipeline = new ExplainPipelineOptions(a.Int("batch"), a.Int("writers"),
                ExplanationOutputChoice.Parse(a.Required("outputs"))).Validated();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
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
        var done = DataSetExplainer.ExplainFolder(loaded, data!, target, settings, output, k, n, pipeline);
        Console.WriteLine(
            $"explain: {done.Count} videos in shard {k}/{n} ({ExplanationOutputChoice.Describe(pipeline.Outputs)}); " +
            $"index {Path.Combine(output, n == 1 ? "index.html" : $"index-{k}-of-{n}.html")} (and " +
            $"{ExplanationIndex.ShardFile(k, n)})" + (n > 1 ? "; when every shard is done: explain --merge --out " +
            output : ""));
        return 0;
    }

    /// <summary><c>explain --merge --out DIR</c>: the shards' indexes joined (see
    /// <see cref="ExplanationIndex.Merge"/>).</summary>
    static int Merge(Args a)
    {
        var output = a.Optional("out") ?? throw new UsageException(
            "--merge needs --out DIR: the folder the shards wrote into.");
        var merged = ExplanationIndex.Merge(output);
        Console.WriteLine($"explain: merged {merged.Videos.Count} videos into {Path.Combine(output, "index.html")} " +
                          "and index.json");
        return 0;
    }
}
