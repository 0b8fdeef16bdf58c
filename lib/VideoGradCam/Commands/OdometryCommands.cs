using System.Text.Json;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Metrics;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>The odometry handlers of <c>train</c>, <c>evaluate</c> and <c>explain</c> (SfMLearner).</summary>
public static class OdometryCommands
{
    /// <summary>How the odometry verbs write their JSON (snake_case, indented).</summary>
    internal static readonly JsonSerializerOptions Json = JsonDefaults.SnakeCase;

    /// <summary>A comma-separated list option (sequence names), or null when absent.</summary>
    internal static List<string>? ListOption(Args a, string name) =>
        a.Optional(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>Loads the named sequences (or all) of a KITTI-layout or prepared dataset at the given size.</summary>
    public static List<SequenceFrames> LoadSequences(string data, IEnumerable<string>? names, int width, int height)
    {
        var all = OdometryDatasets.Open(data);
        var wanted = names?.ToList();
        var chosen = wanted is null ? all : wanted.Select(n => all.FirstOrDefault(s => s.Name == n)
            ?? throw new DirectoryNotFoundException(
                $"Sequence '{n}' not found in {data} (have: {string.Join(", ", all.Select(s => s.Name))}).")).ToList();
        return chosen.Select(s => SequenceFrames.Load(s, width, height)).ToList();
    }

    public static int Train(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var model = a.String("model", ModelRegistry.SfmLearner.Name);
        if (ModelRegistry.Find(model) is not { Kind: ModelKind.Odometry })
            throw new UsageException(
                $"--model '{model}' is not an odometry model (use {ModelRegistry.Names(ModelKind.Odometry)}).");
        var data = a.Required("data");
        var output = a.Required("out");
        var d = SfmTrainingOptions.ForProfile(profile);
        var synth = SyntheticOdometry.ForProfile(profile);
        var w = d.LossWeights;
        var o = d with
        {
            Epochs = a.Int("epochs", d.Epochs), BatchSize = a.Int("batch-size", d.BatchSize),
            LearningRate = a.Double("lr", d.LearningRate),
            PoseLearningRate = a.Optional("pose-lr") is null ? d.PoseLearningRate : a.Double("pose-lr", 0),
            SequenceLength = a.Int("sequence-length", 5), Seed = a.Int("seed", d.Seed),
            DepthWidth = a.Double("depth-width", d.DepthWidth),
            Weights = w with
            {
                Photometric = a.Double("photo-loss-weight", w.Photometric),
                Explainability = a.Double("mask-loss-weight", w.Explainability),
                Smoothness = a.Double("smooth-loss-weight", w.Smoothness),
            },
        };
        int width = a.Int("width", synth.Width), height = a.Int("height", synth.Height);
        var trainNames = ListOption(a, "train-sequences");
        var resume = a.Flag("resume");
        if (!(o.PoseRate > 0) || !(o.LearningRate > 0)) throw new UsageException(
            $"--lr {o.LearningRate} / --pose-lr {o.PoseRate}: learning rates must be positive.");
        if (o.SequenceLength is not (3 or 5)) throw new UsageException("--sequence-length must be 3 or 5.");
        if (!(o.DepthWidth is > 0 and <= 4))
            throw new UsageException(
                $"--depth-width {o.DepthWidth}: a channel multiplier between 0 and 4 (1: the port's network).");
        if (o.Epochs < 1 || o.BatchSize < 1) throw new UsageException("--epochs and --batch-size must be positive.");
        if (trainNames is null)
        {
            var all = OdometryDatasets.Open(data).Select(s => s.Name).ToList();
            trainNames = all.Count > 1 ? all.Take(all.Count - 1).ToList() : all;   // the last sequence is held out
        }
        var sequences = LoadSequences(data, trainNames, width, height);
        try
        {
            var settings = o.SettingsFor(width, height, trainNames, SfmTrainer.MeanMotion(sequences));
            using var sfm = SfmTrainer.NewModel(settings, o);
            if (resume && !File.Exists(SfmTrainer.ProgressFile(output)))
                Console.Error.WriteLine(
                    $"odometry-train: nothing to resume at {output} (no unfinished run); training from the start.");
            var history = SfmTrainer.Train(sfm, sequences, o, output, resume: resume);
            AtomicFile.WriteAllText(output + ".history.json", JsonSerializer.Serialize(history, Json));
            var means = history.EpochMeans();
            Console.WriteLine(
                $"odometry-train: {history.Steps.Count} steps in {history.Seconds:0.0} s; epoch-mean loss " +
                $"{means[0]:0.0000} -> {means[^1]:0.0000}; checkpoint {output}");
        }
        finally { foreach (var s in sequences) s.Dispose(); }
        return 0;
    }

    public static int Evaluate(Args a)
    {
        var checkpoint = a.Required("checkpoint");
        var data = a.Required("data");
        var names = ListOption(a, "sequences");
        var output = a.String("out", checkpoint + ".eval.json");
        using var sfm = SfmCheckpoint.Load(checkpoint);
        var st = sfm.Settings;
        if (names is null)
        {
            var all = OdometryDatasets.Open(data).Select(s => s.Name).ToList();
            var heldOut = all.Where(n => st.TrainSequences is null || !st.TrainSequences.Contains(n)).ToList();
            if (heldOut.Count == 0) Console.Error.WriteLine(
                "odometry-evaluate: warning: no held-out sequence; evaluating on the training sequences.");
            names = heldOut.Count > 0 ? heldOut : all;
        }
        var sequences = LoadSequences(data, names, st.Width, st.Height);
        try
        {
            var result = SfmEvaluator.Evaluate(sfm, sequences);
            AtomicFile.WriteAllText(output, JsonSerializer.Serialize(result, Json));
            foreach (var r in result.Ate) Console.WriteLine(
                $"ATE {r.Method,-22} {r.Mean:0.0000} ± {r.Std:0.0000} ({r.Snippets} snippets of " +
                $"{result.SnippetLength})");
            if (result.Depth is { } dep) Console.WriteLine(
                $"depth Abs Rel {dep.AbsRel:0.0000}  RMSE {dep.Rmse:0.000} m ({dep.Frames} frames, median scaled)");
            if (result.Agreement is { } ag)
            {
                Console.WriteLine(
                    "per-DoF agreement of the target-to-next-frame motion (correlation; spread: true, predicted):");
                foreach (var d in ag.Dofs)
                    Console.WriteLine(
                        $"  {d.Dof}  {(d.Correlation is null ? "  -  " : Signed(d.Correlation))}  " +
                        $"{d.TruthStd:0.0000}  {d.PredictedStd:0.0000}");
                if (ag.TranslationDirectionErrorDegrees is { } deg) Console.WriteLine(
                    $"  translation direction error {deg:0.0}° (mean over {ag.Pairs} pairs)");
            }
            if (result.Spacing is { } spacing) Console.WriteLine(SpacingLine(spacing));
            if (result.MeanMotionMisses is { } misses)
                Console.WriteLine(
                    "what the mean-motion guess misses (ATE of the truth with one motion set to its training mean): " +
                    string.Join("  ", misses.Select(m => $"{m.Dof} {m.Ate:0.0000}")));
            if (result.PoseNetMisses is { } own)
                Console.WriteLine(
                    "what SfMLearner gets wrong (its ATE with one motion of every reference set to the truth): " +
                    string.Join("  ", own.Select(m => $"{m.Dof} {m.Ate:0.0000}")));
            Console.WriteLine($"odometry-evaluate: wrote {output}");
        }
        finally { foreach (var s in sequences) s.Dispose(); }
        return 0;
    }

    /// <summary>One line of snippet spacing: per reference, the median predicted and true length relative to t+1's, and
    /// their correlation.</summary>
    public static string SpacingLine(IReadOnlyList<ReferenceSpacing> spacing) =>
        "snippet spacing (translation length relative to t+1's; median, predicted vs true; correlation): " +
        string.Join("  ", spacing.Select(
            r => $"t{r.Offset:+0;-0} {r.PredictedMedian:0.00} vs {r.TruthMedian:0.00} ({Signed(r.Correlation)})"));

    /// <summary>A correlation with its sign, 2 decimals ("+0.35", "-0.09", "0.00" when it rounds to zero); "-" for
    /// none.</summary>
    public static string Signed(double? value) => value is not { } v ? "-"
        : Math.Round(v, 2) == 0 ? "0.00"
            : Math.Round(v, 2).ToString("+0.00;-0.00", System.Globalization.CultureInfo.InvariantCulture);

    public static int Explain(Args a)
    {
        var checkpoint = a.Required("checkpoint");
        var data = a.Required("data");
        var snippetSpec = a.Required("snippet");
        var fraction = a.Double("fraction", 0.1);
        var targetOnly = !a.Flag("mask-all-frames");
        var parts = snippetSpec.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], out int frame))
            throw new UsageException($"--snippet expects SEQUENCE:FRAME, e.g. 02:40 (got '{snippetSpec}').");
        var output =
            a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "odometry", $"explain-{parts[0]}-{frame}.json"));
        using var sfm = SfmCheckpoint.Load(checkpoint);
        var st = sfm.Settings;
        var seq = LoadSequences(data, [parts[0]], st.Width, st.Height)[0];
        try
        {
            var targets = seq.Targets(st.SequenceLength).ToList();
            if (!targets.Contains(frame))
                throw new UsageException(
                    $"Frame {frame} of sequence {parts[0]} has no {st.SequenceLength}-frame snippet (targets " +
                    $"{targets[0]}..{targets[^1]}).");
            var snippet = seq.Snippet([frame], st.SequenceLength);
            var layer = PoseLayerChoice.Deepest(sfm, width: st.Width, height: st.Height).Layer;
            var e = OdometrySaliency.Explain(sfm, snippet, dofLayer: layer);
            var faith =
                RegressionFaithfulness.Check(sfm, snippet, e.NegativeLossMaps[layer], fraction, targetOnly: targetOnly,
                layerSize: e.LayerSizes![layer]);
            var report = new
            {
                Sequence = parts[0], Frame = frame, e.Loss, e.Pose, Faithfulness = faith,
                NegativeLossMaps = e.NegativeLossMaps.ToDictionary(kv => kv.Key, kv => Jagged(kv.Value)),
                DofMaps = e.PerDof.Maps.ToDictionary(kv => kv.Key, kv => Jagged(kv.Value)),
                ErrorMap = Jagged(e.ErrorMap), Depth = Jagged(e.Depth),
            };
            AtomicFile.WriteAllText(output, JsonSerializer.Serialize(report, Json));
            // The picture beside the numbers: an offline page and, when Chromium is there, its PNG (2x).
            var page = Path.ChangeExtension(output, ".html");
            new FigurePage($"Odometry saliency, sequence {parts[0]} frame {frame}")
                .Figure(OdometryPlots.SaliencyPanel(e),
                $"Negative view-synthesis loss Grad-CAM, per-DoF maps at {layer} (the deepest PoseNet layer with at " +
                $"least {PoseLayerChoice.MinSide}×{PoseLayerChoice.MinSide} cells), photometric error; faithfulness " +
                $"at {layer}: ratio {faith.Ratio:0.00}.").Save(page);
            Screenshots(page);
            Console.WriteLine(
                $"odometry-explain: loss {e.Loss:0.0000}; faithfulness (top {fraction:P0} pixels) salient " +
                $"+{faith.SalientLoss - faith.BaseLoss:0.0000} " +
                $"vs random pixels +{faith.RandomLoss - faith.BaseLoss:0.0000} (ratio {faith.Ratio:0.00}) " +
                $"vs the salient shape shifted +{faith.ShiftedLoss - faith.BaseLoss:0.0000} (ratio " +
                $"{faith.RatioShifted:0.00})" +
                (faith.RatioRandomMap is { } rm ? $" vs random maps at {layer} (ratio {rm:0.00})" : "")
                    + $"; wrote {output}, {Path.ChangeExtension(output, ".html")}" +
                (File.Exists(Path.ChangeExtension(output, ".png")) ? $" and {Path.ChangeExtension(output, ".png")}"
                    : ""));
            if (OdometryExplanation.IsFlat(e.NegativeLossMaps[layer]))
                Console.WriteLine(
                    $"odometry-explain: the map at {layer} is flat ({e.WhyFlat(layer)}): its \"most salient\" pixels " +
                    "are an arbitrary band, " +
                    "so these ratios say nothing about the map (the study leaves such snippets out).");
        }
        finally { seq.Dispose(); }
        return 0;
    }

    /// <summary><c>explain --sequence</c>: the negative-loss Grad-CAM of every k-th snippet of a sequence, as a page
    /// (strip of target frames and maps, loss per snippet), its PNGs and a JSON of the numbers.</summary>
    public static int ExplainSequence(Args a)
    {
        var checkpoint = a.Required("checkpoint");
        var data = a.Required("data");
        var name = a.Required("sequence");
        var every = a.Int("every", 0);
        var layer = a.String("layer", SfmCamModel.PoseMidLayer);
        var output = a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "odometry", $"explain-sequence-{name}"));
        if (every < 0) throw new UsageException(
            $"--every {every}: give a positive step (1 = every snippet), or leave it out for at most " +
            $"{SequenceSnippets} snippets.");
        if (!SfmCamModel.Layers.Contains(layer)) throw new UsageException(
            $"--layer {layer}: SfMLearner has layers {string.Join(", ", SfmCamModel.Layers)}.");
        using var sfm = SfmCheckpoint.Load(checkpoint);
        var st = sfm.Settings;
        using var seq = LoadSequences(data, [name], st.Width, st.Height)[0];
        int targets = seq.Targets(st.SequenceLength).Count();
        if (every == 0) every = (targets + SequenceSnippets - 1) / SequenceSnippets;
        using var s = SequenceSaliencyExplainer.Explain(sfm, seq, layer, every);
        Directory.CreateDirectory(output);
        var page = Path.Combine(output, "sequence.html");
        new FigurePage($"Odometry saliency along sequence {name}")
            .Paragraph(
                $"{s.Frames.Length} of the sequence's {targets} snippets (every {every}{(every == 1 ? "st" : "th")} " +
                "target frame); " +
                $"checkpoint {checkpoint}; the map explains the negative view-synthesis loss (the study's " +
                "regression target).")
            .Figure(OdometryPlots.SequenceStrip(s),
                "Each target frame (top) with its negative-loss Grad-CAM (below, jet, 0..1 per snippet).")
            .Figure(OdometryPlots.SequenceLoss(s),
                "View-synthesis loss of each explained snippet: where the model finds the motion hard.")
            .Save(page);
        AtomicFile.WriteAllText(Path.Combine(output, "sequence.json"), JsonSerializer.Serialize(new
        {
            Sequence = name, s.Layer, LayerSize = new[] { s.LayerSize.H, s.LayerSize.W }, Every = every, s.Frames,
                s.Losses, s.FlatFrames,
        }, Json));
        var pngs = Screenshots(page);
        Console.WriteLine(
            $"odometry-explain: sequence {name}: {s.Frames.Length} snippets at {layer} " +
            $"({s.LayerSize.W}×{s.LayerSize.H}), " +
            $"{s.FlatFrames.Length} constant map(s); loss {s.Losses.Min():0.0000}..{s.Losses.Max():0.0000}; wrote " +
            $"{page}, sequence.json" +
            (pngs.Count > 0 ? $" and {pngs.Count} PNG(s)" : ""));
        return 0;
    }

    /// <summary>Snippets a sequence page shows by default (evenly spaced): a strip a reader can scroll.</summary>
    public const int SequenceSnippets = 32;

    /// <summary>PNGs (2×) of a page's figures beside it, when Chromium is there: PAGE.png for one figure,
    /// PAGE.figure-N.png for several.</summary>
    static IReadOnlyList<string> Screenshots(string page)
    {
        if (HeadlessBrowser.FindChromium() is null) return [];
        var stem = Path.GetFileNameWithoutExtension(page);
        var shots = Task.Run(async () =>
        {
            await using var browser = await HeadlessBrowser.LaunchAsync();
            return await browser.ScreenshotPlotsAsync(page, Path.GetDirectoryName(Path.GetFullPath(page))!, stem
                + ".figure");
        }).GetAwaiter().GetResult();
        if (shots.Count != 1) return shots;
        var png = Path.ChangeExtension(page, ".png");
        File.Move(shots[0], png, overwrite: true);
        return [png];
    }

    static float[][] Jagged(float[,] m) =>
        Enumerable.Range(0, m.GetLength(0))
            .Select(r => Enumerable.Range(0, m.GetLength(1)).Select(c => m[r, c]).ToArray()).ToArray();
}
