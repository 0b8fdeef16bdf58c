using System.Text.Json;
using VideoGradCam.Odometry;
using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>One held-out frame: the image [H,W,3] in [0,1], the predicted depth [H,W] (unscaled, metres up to the
/// unknown monocular scale) and the ground-truth depth [H,W] in metres (0 = sky), when the data has it.</summary>
public sealed record DepthSample(string Sequence, int Frame, float[,,] Image, float[,] Predicted, float[,]? GroundTruth);

/// <summary>The faithfulness check on one snippet (its sequence and target frame); FlatMap: the map was constant.</summary>
public sealed record SnippetFaithfulness(string Sequence, int Frame, FaithfulnessResult Result, bool FlatMap);

/// <summary>The faithfulness check of one layer's negative-loss map on a few held-out snippets, with the mean ratios
/// (salient vs random pixels; salient vs the salient shape shifted). FlatMaps counts the snippets whose map was
/// constant (a 1x1 activation, or no positive evidence): their "most salient" pixels are an arbitrary choice, so they
/// are listed but left out of the means (NaN when every map is flat).</summary>
public sealed record OdometryFaithfulness(string Layer, double Fraction, IReadOnlyList<SnippetFaithfulness> Snippets,
    double MeanRatio, double MeanRatioShifted, int FlatMaps)
{
    /// <summary>What the faithfulness of several layers' maps says, one line each, after a line on the reference a flat map
    /// gives: masking the top rows (an arbitrary band) of the frame. A map is judged against random pixels and that band.</summary>
    public static IReadOnlyList<string> Verdicts(IReadOnlyList<OdometryFaithfulness> layers)
    {
        var flatRatios = layers.SelectMany(f => f.Snippets).Where(s => s.FlatMap && double.IsFinite(s.Result.Ratio))
            .GroupBy(s => (s.Sequence, s.Frame)).Select(g => g.First().Result.Ratio).ToList();   // one per snippet: the band is the same
        double? band = flatRatios.Count > 0 ? flatRatios.Average() : null;
        var lines = new List<string>
        {
            band is { } b ? $"arbitrary band of top rows (flat maps): mean ratio {b:0.00} over {flatRatios.Count} snippets" : "no flat map in this run: no band reference",
        };
        foreach (var f in layers)
        {
            var verdict = f.FlatMaps == f.Snippets.Count ? "every map was flat: no test of the map (see the caveat above)"
                : f.MeanRatio <= 1 ? "masking its salient pixels raises the loss no more than random pixels: not faithful here"
                : band is { } r && f.MeanRatio <= r ? $"above random pixels ({f.MeanRatio:0.0}x) but not above an arbitrary band of rows: weak evidence"
                : $"masking its salient pixels raises the loss {f.MeanRatio:0.0}x as much as random pixels: the map points at pixels the loss depends on";
            lines.Add($"{f.Layer,-13} mean ratio {f.MeanRatio:0.00} (shifted {f.MeanRatioShifted:0.00}), flat maps {f.FlatMaps}/{f.Snippets.Count}: {verdict}.");
        }
        return lines;
    }
}

/// <summary>
/// The study's visual odometry artifacts, made once and reused: the synthetic sequences, the trained SfMLearner,
/// its evaluation on the held-out sequences, and the regression Grad-CAM explanations with their faithfulness.
/// The one implementation notebooks 06/07, <c>reproduce</c> and the tests call. The last sequence of the data
/// is held out (as <c>./workspace train --model sfmlearner</c> does); the others train.
/// </summary>
public static class OdometryStudy
{
    /// <summary>Snippet length of the study: 5 frames, the SfMLearner odometry protocol (ATE on 5-frame snippets).</summary>
    public const int SnippetLength = 5;

    public const string ModelFileName = "sfmlearner.sfm", HistoryFileName = "history.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string DataFolder(Profile profile) => Path.Combine(WorkspacePaths.GeneratedData(), $"odometry-{profile.Name()}");

    public static string CheckpointFolder(Profile profile) =>
        Path.Combine(WorkspacePaths.Artifacts(), "checkpoints", $"sfmlearner-{profile.Name()}");

    /// <summary>Training options of a profile: the trainer's profile sizes with the study's 5-frame snippets.</summary>
    public static SfmTrainingOptions TrainingOptions(Profile profile) =>
        SfmTrainingOptions.ForProfile(profile) with { SequenceLength = SnippetLength };

    /// <summary>The synthetic sequences of <paramref name="profile"/> (<c>data/generated/odometry-&lt;profile&gt;</c>),
    /// rendered when missing or made with other options, reused otherwise. Returns the folder.</summary>
    public static string EnsureData(Profile profile, bool force = false) =>
        EnsureData(DataFolder(profile), SyntheticOdometry.ForProfile(profile), force);

    /// <summary>Synthetic sequences with the given options in <paramref name="folder"/>, rendered once.</summary>
    public static string EnsureData(string folder, SyntheticOdometry.Options options, bool force = false)
    {
        StepCache.Ensure(folder, "synth odometry", DataIdentity(options), (dir, _) => SyntheticOdometry.Write(dir, options), force);
        return folder;
    }

    /// <summary>What the rendered data depends on: the options, and the renderer's version (bumped when the same
    /// options would render other images; 2: seeds stable across processes; 3: stop-and-go, sway and sharper turns; 4: the speed period joins the options).</summary>
    public static object DataIdentity(SyntheticOdometry.Options options) => new { renderer = 4, options };

    /// <summary>The study's SfMLearner for <paramref name="profile"/>, trained on the profile's synthetic training
    /// sequences into <c>artifacts/checkpoints/sfmlearner-&lt;profile&gt;/</c> (model file and history JSON) when
    /// missing or stale, reused otherwise. Returns the model file (what <c>--checkpoint</c> takes).
    /// An interrupted run resumes after its last finished epoch.</summary>
    public static string EnsureTrained(Profile profile, bool force = false)
    {
        var data = SyntheticOdometry.ForProfile(profile);
        var dataRoot = EnsureData(DataFolder(profile), data, force: false);
        return EnsureTrained(dataRoot, CheckpointFolder(profile), TrainingOptions(profile), data.Width, data.Height, DataIdentity(data), force);
    }

    /// <summary>Trains on every sequence of <paramref name="dataRoot"/> but the last, at width x height, into
    /// <paramref name="folder"/>; <paramref name="dataIdentity"/> (e.g. the generator's options) joins the cache key.</summary>
    public static string EnsureTrained(string dataRoot, string folder, SfmTrainingOptions options, int width, int height,
        object? dataIdentity = null, bool force = false)
    {
        var trainNames = TrainSequences(dataRoot);
        var config = new { options, width, height, trainNames, data = dataIdentity ?? dataRoot };
        StepCache.Ensure(folder, "train sfmlearner", config, (dir, resume) =>
        {
            var sequences = Load(dataRoot, trainNames, width, height);
            try
            {
                var settings = new SfmSettings(options.SequenceLength, width, height, options.LossWeights.Explainability > 0,
                    trainNames, SfmTrainer.MeanMotion(sequences), options.LossWeights, options.TranslationScale);
                using var model = SfmTrainer.NewModel(settings, options);
                var history = SfmTrainer.Train(model, sequences, options, Path.Combine(dir, ModelFileName), resume: resume);
                AtomicFile.WriteAllText(Path.Combine(dir, HistoryFileName), JsonSerializer.Serialize(history, Json));
            }
            finally { foreach (var s in sequences) s.Dispose(); }
        }, force);
        return Path.Combine(folder, ModelFileName);
    }

    /// <summary>The loss history saved beside a checkpoint (the model file or its folder).</summary>
    public static SfmTrainingHistory ReadHistory(string checkpoint)
    {
        var path = Path.Combine(Folder(checkpoint), HistoryFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"No training history beside the checkpoint: {path}", path);
        return JsonSerializer.Deserialize<SfmTrainingHistory>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path}: unreadable training history.");
    }

    /// <summary>ATE (with the zero-motion and mean-training-motion baselines) and depth errors on the held-out sequences of
    /// <paramref name="dataRoot"/> (the study's: <see cref="StudyData.EnsureOdometry"/>).</summary>
    public static OdometryEvaluation Evaluate(string checkpoint, string dataRoot)
    {
        using var model = SfmLearner.Load(ModelFile(checkpoint));
        var sequences = Load(dataRoot, HeldOutSequences(dataRoot, model.Settings), model.Settings.Width, model.Settings.Height);
        try { return SfmEvaluator.Evaluate(model, sequences); }
        finally { foreach (var s in sequences) s.Dispose(); }
    }

    /// <summary>
    /// The pose ceiling of a trained checkpoint (<see cref="PoseCeiling"/>): SfMLearner's PoseNet fitted to the true poses
    /// of the checkpoint's training sequences, with its snippet length and image size and the epochs and batch size of
    /// <paramref name="training"/> (the same budget), evaluated on its held-out sequences. Cached in a folder beside the
    /// checkpoint's (<c>&lt;checkpoint folder&gt;-pose-ceiling/</c>), keyed by the checkpoint; null when a sequence has
    /// no ground-truth poses.
    /// </summary>
    public static PoseCeilingResult? EnsureCeiling(string checkpoint, string dataRoot, SfmTrainingOptions training, bool force = false)
    {
        var settings = SfmLearner.ReadSettings(ModelFile(checkpoint));
        var trainNames = settings.TrainSequences?.ToList() ?? TrainSequences(dataRoot).ToList();
        var heldOutNames = HeldOutSequences(dataRoot, settings);
        var all = OdometryDatasets.Open(dataRoot);
        if (all.Where(s => trainNames.Contains(s.Name) || heldOutNames.Contains(s.Name)).Any(s => s.Poses is null)) return null;
        var options = new PoseCeilingOptions(training.Epochs, training.BatchSize, SequenceLength: settings.SequenceLength, Seed: training.Seed);
        var marker = Path.Combine(Folder(checkpoint), StepCache.MarkerName);
        var checkpointKey = File.Exists(marker) ? File.ReadAllText(marker) : $"{new FileInfo(ModelFile(checkpoint)).Length}:{File.GetLastWriteTimeUtc(ModelFile(checkpoint)):O}";
        var folder = Folder(checkpoint).TrimEnd(Path.DirectorySeparatorChar) + "-pose-ceiling";
        var config = new { version = 3, options, checkpoint = checkpointKey, trainNames, heldOutNames };
        StepCache.Ensure(folder, "pose ceiling", config, (dir, _) =>
        {
            var train = Load(dataRoot, trainNames, settings.Width, settings.Height);
            var heldOut = Load(dataRoot, heldOutNames, settings.Width, settings.Height);
            try { AtomicFile.WriteAllText(Path.Combine(dir, CeilingFileName), JsonSerializer.Serialize(PoseCeiling.Run(train, heldOut, options), Json)); }
            finally { foreach (var s in train.Concat(heldOut)) s.Dispose(); }
        }, force);
        return JsonSerializer.Deserialize<PoseCeilingResult>(File.ReadAllText(Path.Combine(folder, CeilingFileName)), Json)
            ?? throw new InvalidDataException($"{Path.Combine(folder, CeilingFileName)}: unreadable pose ceiling.");
    }

    const string CeilingFileName = "pose-ceiling.json";

    /// <summary>Predicted and ground-truth depth of one held-out frame of <paramref name="dataRoot"/> (default: the middle of the
    /// first held-out sequence).</summary>
    public static DepthSample PredictDepth(string checkpoint, string dataRoot, string? sequence = null, int? frame = null)
    {
        using var model = SfmLearner.Load(ModelFile(checkpoint));
        using var seq = LoadOne(dataRoot, model.Settings, sequence);
        int t = ResolveFrame(seq, model.Settings.SequenceLength, frame);
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var _ = TorchSharp.torch.no_grad();
        model.Train(false);
        var image = seq.Images[t].unsqueeze(0);                                         // [1,3,H,W] in [-1,1]
        var depth = 1 / model.Disparity(image)[0, 0];                                   // [H,W]
        var rgb = (seq.Images[t].permute(1, 2, 0) * 0.5 + 0.5).clamp(0, 1);             // [H,W,3] in [0,1]
        return new DepthSample(seq.Name, t, OdometrySaliency.ToArray3(rgb), OdometrySaliency.ToArray(depth),
            seq.Depth is { } d ? OdometrySaliency.ToArray(d[t]) : null);
    }

    /// <summary>The saliency maps of one held-out snippet of <paramref name="dataRoot"/> (any KITTI-layout or prepared folder;
    /// default: the middle of the first held-out sequence): the
    /// negative-loss Grad-CAM at every layer of <see cref="SfmCamModel.Layers"/>, the per-DoF maps (default: every DoF
    /// of the motion to t+1) at <paramref name="dofLayer"/>, the photometric error map. The per-DoF maps default to
    /// <see cref="SfmCamModel.PoseMidLayer"/>: the study's conv7 is a single cell at the profiles' frame sizes.</summary>
    public static OdometryExplanation Explain(string checkpoint, string dataRoot, string? sequence = null, int? frame = null,
        IReadOnlyList<(string Name, int Component, double Sign)>? dofs = null, string dofLayer = SfmCamModel.PoseMidLayer)
    {
        using var model = SfmLearner.Load(ModelFile(checkpoint));
        using var seq = LoadOne(dataRoot, model.Settings, sequence);
        int t = ResolveFrame(seq, model.Settings.SequenceLength, frame);
        using var scope = TorchSharp.torch.NewDisposeScope();
        return OdometrySaliency.Explain(model, seq.Snippet([t], model.Settings.SequenceLength), dofs, dofLayer: dofLayer);
    }

    /// <summary>Masks the top <paramref name="fraction"/> pixels of the negative-loss map at <paramref name="layer"/>
    /// (default: the study's, <see cref="SfmCamModel.PoseLayer"/>) on <paramref name="snippets"/> evenly spaced held-out
    /// snippets and compares the loss increase with random pixels and with the salient shape shifted
    /// (<see cref="RegressionFaithfulness"/>).</summary>
    public static OdometryFaithfulness Faithfulness(string checkpoint, string dataRoot, string layer = SfmCamModel.PoseLayer,
        int snippets = 4, double fraction = 0.1)
    {
        if (snippets < 1) throw new ArgumentException($"Need at least one snippet (got {snippets}).");
        if (!SfmCamModel.Layers.Contains(layer)) throw new ArgumentException($"Unknown layer '{layer}': use {string.Join(", ", SfmCamModel.Layers)}.");
        using var model = SfmLearner.Load(ModelFile(checkpoint));
        int length = model.Settings.SequenceLength;
        var sequences = Load(dataRoot, HeldOutSequences(dataRoot, model.Settings), model.Settings.Width, model.Settings.Height);
        try
        {
            var all = sequences.SelectMany(s => s.Targets(length).Select(t => (Seq: s, Frame: t))).ToList();
            int count = Math.Min(snippets, all.Count);
            var chosen = Enumerable.Range(0, count).Select(i => all[(int)((i + 0.5) * all.Count / count)]).ToList();
            var results = new List<SnippetFaithfulness>();
            int flat = 0;
            foreach (var (seq, t) in chosen)
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var snippet = seq.Snippet([t], length);
                var map = OdometrySaliency.Explain(model, snippet, dofs: []).NegativeLossMaps[layer];
                bool isFlat = OdometryExplanation.IsFlat(map);
                if (isFlat) flat++;
                results.Add(new SnippetFaithfulness(seq.Name, t, RegressionFaithfulness.Check(model, snippet, map, fraction), isFlat));
            }
            var informative = results.Where(r => !r.FlatMap).ToList();
            return new OdometryFaithfulness(layer, fraction, results,
                MeanFinite(informative.Select(r => r.Result.Ratio)), MeanFinite(informative.Select(r => r.Result.RatioShifted)), flat);
        }
        finally { foreach (var s in sequences) s.Dispose(); }
    }

    /// <summary>Every sequence of the data but the last (all of them when there is only one).</summary>
    public static IReadOnlyList<string> TrainSequences(string dataRoot)
    {
        var all = OdometryDatasets.Open(dataRoot).Select(s => s.Name).ToList();
        return all.Count > 1 ? all.Take(all.Count - 1).ToList() : all;
    }

    /// <summary>The sequences a model did not train on (all of them, when it trained on every one).</summary>
    public static IReadOnlyList<string> HeldOutSequences(string dataRoot, SfmSettings settings)
    {
        var all = OdometryDatasets.Open(dataRoot).Select(s => s.Name).ToList();
        var heldOut = all.Where(n => settings.TrainSequences is null || !settings.TrainSequences.Contains(n)).ToList();
        return heldOut.Count > 0 ? heldOut : all;
    }

    /// <summary>A checkpoint given as the model file or as its folder -> the model file.</summary>
    public static string ModelFile(string checkpoint) =>
        Directory.Exists(checkpoint) ? Path.Combine(checkpoint, ModelFileName) : checkpoint;

    static string Folder(string checkpoint) =>
        Directory.Exists(checkpoint) ? checkpoint : Path.GetDirectoryName(Path.GetFullPath(checkpoint))!;

    /// <summary>The named sequences of a KITTI-layout or prepared data folder, loaded at width x height.</summary>
    static List<SequenceFrames> Load(string dataRoot, IEnumerable<string> names, int width, int height)
    {
        var all = OdometryDatasets.Open(dataRoot);
        return names.Select(n => all.FirstOrDefault(s => s.Name == n)
                ?? throw new DirectoryNotFoundException($"Sequence '{n}' not found in {dataRoot} (have: {string.Join(", ", all.Select(s => s.Name))})."))
            .Select(s => SequenceFrames.Load(s, width, height)).ToList();
    }

    static SequenceFrames LoadOne(string dataRoot, SfmSettings settings, string? sequence) =>
        Load(dataRoot, [sequence ?? HeldOutSequences(dataRoot, settings)[0]], settings.Width, settings.Height)[0];

    static int ResolveFrame(SequenceFrames seq, int length, int? frame)
    {
        var targets = seq.Targets(length).ToList();
        int t = frame ?? targets[targets.Count / 2];
        if (!targets.Contains(t))
            throw new ArgumentException($"Frame {t} of sequence {seq.Name} has no {length}-frame snippet (targets {targets[0]}..{targets[^1]}).");
        return t;
    }

    static double MeanFinite(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? double.NaN : v.Average();
    }
}
