using System.Globalization;
using System.Text.Json;
using VideoGradCam.Cam;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Metrics;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Runtime;
using VideoGradCam.Training;

namespace VideoGradCam.Study;

/// <summary>One held-out frame: the image [H,W,3] in [0,1], the predicted depth [H,W] (unscaled, metres up to the
/// unknown monocular scale) and the ground-truth depth [H,W] in metres (0 = sky), when the data has it.</summary>
public sealed record DepthSample(string Sequence, int Frame, float[,,] Image, float[,] Predicted,
    float[,]? GroundTruth);

/// <summary>Where the scene moves, against one per-DoF map of a snippet (<see cref="FlowEnergy"/>): the map's energy in
/// the quarter of the pixels with the largest true optical flow, over a uniform map's (the area, 0.25). Two flows: the
/// full true motion to t+1 (<paramref name="FullMotion"/>) and that DoF's true component alone
/// (<paramref name="DofAlone"/>: tz alone expands the image from the focus of expansion, most on near points; ry alone
/// shifts it almost uniformly, whatever the depth).</summary>
/// <param name="Sign">the sign of the map's target: that of the true component, so the map shows what pushes the
/// prediction towards the motion that happened.</param>
/// <param name="FlatMap">the map was constant (all zero): both ratios are NaN.</param>
public sealed record DofFlowEnergy(string Dof, double Sign, double FullMotion, double DofAlone, bool FlatMap);

/// <summary>The faithfulness check on one snippet (its sequence and target frame); FlatMap: the map was constant.
/// SanityRho: the rank correlation of its map with the map of the same snippet by a PoseNet with re-initialised weights
/// (<see cref="PoseNetRandomisation"/>; NaN when not measured). Flow: the per-DoF maps against the true optical flow
/// (null when not measured or the data has no true depth and poses).</summary>
public sealed record SnippetFaithfulness(string Sequence, int Frame, FaithfulnessResult Result, bool FlatMap,
    double SanityRho = double.NaN, IReadOnlyList<DofFlowEnergy>? Flow = null);

/// <summary>The faithfulness check of one layer's negative-loss map on held-out snippets, with the
/// <see cref="Means"/> of the ratios over the snippets with a map. The spreads below (mean ± sd over n) cover the
/// snippets with a map; <see cref="HeldOutSnippets"/> is how many the held-out sequences have, measured or
/// not.</summary>
/// <param name="Cells">the layer's map size in cells (null when not recorded).</param>
/// <param name="DofLayer">the layer of the per-DoF maps of <see cref="SnippetFaithfulness.Flow"/> (null when not
/// measured).</param>
/// <param name="Seconds">how long the measurement took.</param>
public sealed record OdometryFaithfulness(string Layer, double Fraction, IReadOnlyList<SnippetFaithfulness> Snippets,
    MeanRatios Means, LayerCells? Cells = null, int HeldOutSnippets = 0, string? DofLayer = null, double Seconds = 0)
{
    /// <summary><see cref="MeanRatios.Ratio"/> (notebook 06 and the study's report read these five here).</summary>
    public double MeanRatio => Means.Ratio;

    /// <summary><see cref="MeanRatios.RatioShifted"/>.</summary>
    public double MeanRatioShifted => Means.RatioShifted;

    /// <summary><see cref="MeanRatios.FlatMaps"/>.</summary>
    public int FlatMaps => Means.FlatMaps;

    /// <summary>The layer's map height in cells (0 when not recorded).</summary>
    public int LayerHeight => Cells?.Height ?? 0;

    /// <summary>The layer's map width in cells (0 when not recorded).</summary>
    public int LayerWidth => Cells?.Width ?? 0;

    /// <summary>The DoFs whose maps are compared with the flow: forward translation and yaw, the drive's two main
    /// motions.</summary>
    public static readonly IReadOnlyList<string> FlowDofs = ["tz", "ry"];

    IEnumerable<SnippetFaithfulness> WithMap => Snippets.Where(s => !s.FlatMap);

    /// <summary>Loss rise when masking the salient pixels / when masking as many random pixels.</summary>
    public SnippetSpread Ratio => SnippetSpread.Of(WithMap.Select(s => s.Result.Ratio));

    /// <summary>... / when masking the salient shape at a random shift.</summary>
    public SnippetSpread RatioShifted => SnippetSpread.Of(WithMap.Select(s => s.Result.RatioShifted));

    /// <summary>... / when masking the top pixels of a random map drawn at the layer's resolution.</summary>
    public SnippetSpread RatioRandomMap => SnippetSpread.Of(WithMap.Select(s => s.Result.RatioRandomMap ?? double.NaN));

    /// <summary>The reversed control: loss rise when masking the least salient pixels / when masking as many random
    /// pixels (a faithful ranking puts it below 1).</summary>
    public SnippetSpread RatioLeast => SnippetSpread.Of(WithMap.Select(s => s.Result.RatioLeast));

    /// <summary>Loss rise when masking the most salient pixels / when masking the least salient ones (two blobs of one
    /// map).</summary>
    public SnippetSpread RatioTopBottom => SnippetSpread.Of(WithMap.Select(s => s.Result.RatioTopBottom));

    /// <summary>Snippets with a map where masking the salient pixels raises the loss more than both random pixels and
    /// the random map do (of <see cref="ComparedWithBoth"/>, those with both ratios).</summary>
    public int BeatBoth => WithMap.Count(s => s.Result.Ratio > 1 && s.Result.RatioRandomMap > 1);

    public int ComparedWithBoth =>
        WithMap.Count(s => double.IsFinite(s.Result.Ratio) && double.IsFinite(s.Result.RatioRandomMap ?? double.NaN));

    /// <summary>Spearman ρ between the trained and the randomised PoseNet's maps, and its absolute value.</summary>
    public SnippetSpread SanityRho => SnippetSpread.Of(WithMap.Select(s => s.SanityRho));
    public SnippetSpread SanityAbsRho => SnippetSpread.Of(WithMap.Select(s => Math.Abs(s.SanityRho)));

    /// <summary>True when the maps change with the PoseNet's weights (mean |ρ| below
    /// <see cref="PoseNetRandomisation.Threshold"/>); null when not measured.</summary>
    public bool? SanityPasses => SanityAbsRho.N == 0 ? null : SanityAbsRho.Mean < PoseNetRandomisation.Threshold;

    /// <summary>Per DoF (<see cref="FlowDofs"/>): the flow-energy ratio against the full true motion's flow.</summary>
    public IReadOnlyDictionary<string, SnippetSpread> FlowFullMotion => Flow(f => f.FullMotion);

    /// <summary>Per DoF: the flow-energy ratio against the flow of that DoF's true motion alone.</summary>
    public IReadOnlyDictionary<string, SnippetSpread> FlowDofAlone => Flow(f => f.DofAlone);

    /// <summary>Every number above as a table row: what it is, mean, sd, n, how many snippets exceed 1, what it
    /// compares.</summary>
    public IReadOnlyList<FaithfulnessRow> Rows()
    {
        var rows = new List<FaithfulnessRow>
        {
            FaithfulnessRow.Of("faithfulness ratio", Ratio,
                "loss rise, salient pixels masked / as many random pixels masked"),
            FaithfulnessRow.Of("random-map ratio", RatioRandomMap,
                $"... / the top pixels of a random {LayerWidth}×{LayerHeight} map (the layer's resolution, upsampled " +
                "as Grad-CAM) masked"),
            FaithfulnessRow.Of("shifted-shape ratio", RatioShifted,
                "... / the salient mask's own shape at a random shift masked"),
            FaithfulnessRow.Of("least-salient ratio", RatioLeast,
                "loss rise, least salient pixels masked / as many random pixels masked (a faithful ranking: below 1)"),
            FaithfulnessRow.Of("top-vs-bottom ratio", RatioTopBottom,
                "loss rise, most salient pixels masked / least salient pixels masked (a faithful ranking: above 1)"),
            FaithfulnessRow.Of("sanity ρ", SanityRho,
                "Spearman ρ of each map with the map of a PoseNet re-initialised with a fixed seed " +
                $"(the check passes if mean |ρ| < {PoseNetRandomisation.Threshold}; here " +
                $"{(SanityAbsRho.N > 0 ? SanityAbsRho.Mean.ToString("0.00") : "—")})"),
        };
        foreach (var d in FlowDofs)
        {
            rows.Add(FaithfulnessRow.Of($"flow energy, {d} map, full motion", FlowFullMotion[d],
                $"share of the {d} map's energy in the 25% pixels with the largest true flow of the motion to t+1 / " +
                "0.25 (a uniform map's)"));
            rows.Add(FaithfulnessRow.Of($"flow energy, {d} map, {d} alone", FlowDofAlone[d],
                $"the same with the flow of the true {d} alone"));
        }
        return rows;
    }

    IReadOnlyDictionary<string, SnippetSpread> Flow(Func<DofFlowEnergy, double> value) =>
        FlowDofs.ToDictionary(d => d,
            d => SnippetSpread.Of(Snippets.SelectMany(s => s.Flow ?? []).Where(f => f.Dof == d).Select(value)));

    /// <summary>What the faithfulness of several layers' maps says, one line each, after a line on the reference a flat
    /// map gives: masking the top rows (an arbitrary band) of the frame. A map is judged against random pixels and that
    /// band.</summary>
    public static IReadOnlyList<string> Verdicts(IReadOnlyList<OdometryFaithfulness> layers)
    {
        var flatRatios = layers.SelectMany(f => f.Snippets).Where(s => s.FlatMap && double.IsFinite(s.Result.Ratio))
            // one per snippet: the band is the same
            .GroupBy(s => (s.Sequence, s.Frame)).Select(g => g.First().Result.Ratio).ToList();
        double? band = flatRatios.Count > 0 ? flatRatios.Average() : null;
        var lines = new List<string>
        {
            band is { } b
                ? $"arbitrary band of top rows (flat maps): mean ratio {b:0.00} over {flatRatios.Count} snippets"
                : "no flat map in this run: no band reference",
        };
        foreach (var f in layers)
        {
            var verdict = f.FlatMaps == f.Snippets.Count
                ? "every map was flat: no test of the map (see the caveat above)"
                : f.MeanRatio <= 1
                    ? "masking its salient pixels raises the loss no more than random pixels: not faithful here"
                : band is { } r && f.MeanRatio <= r
                    ? $"above random pixels ({f.MeanRatio:0.0}x) but not above an arbitrary band of rows: weak evidence"
                : $"masking its salient pixels raises the loss {f.MeanRatio:0.0}x as much as random pixels: the map " +
                  "points at pixels the loss depends on";
            lines.Add(
                $"{f.Layer,-13} mean ratio {f.MeanRatio:0.00} (shifted {f.MeanRatioShifted:0.00}), flat maps " +
                $"{f.FlatMaps}/{f.Snippets.Count}: {verdict}.");
        }
        return lines;
    }
}

/// <summary>The faithfulness ratios of one layer averaged over the snippets with a map: salient vs random pixels
/// (<paramref name="Ratio"/>) and salient vs the salient shape shifted (<paramref name="RatioShifted"/>).
/// <paramref name="FlatMaps"/> counts the snippets whose map was constant (a 1x1 activation, or no positive evidence):
/// their "most salient" pixels are an arbitrary choice, so they are listed but left out of the means (NaN when every
/// map is flat).</summary>
public sealed record MeanRatios(double Ratio, double RatioShifted, int FlatMaps);

/// <summary>The size of an explained layer's map in cells (its activation's spatial size).</summary>
public sealed record LayerCells(int Height, int Width);

/// <summary>One number of <see cref="OdometryFaithfulness"/> over the snippets: mean, sample sd, median, n, how many
/// exceed 1 (a ratio beating its control; not counted for ρ), and what it compares.</summary>
public sealed record FaithfulnessRow(string Measure, double Mean, double Sd, double Median, int N, int? AboveOne,
    string Compares)
{
    public static FaithfulnessRow Of(string measure, SnippetSpread v, string compares) =>
        new(measure, v.Mean, v.Sd, v.Median, v.N, measure.StartsWith("sanity", StringComparison.Ordinal) ? null
            : v.Above, compares);
}

/// <summary>
/// The study's visual odometry artifacts, made once and reused: the synthetic sequences, the trained SfMLearner,
/// its evaluation on the held-out sequences, and the regression Grad-CAM explanations with their faithfulness.
/// The one implementation notebooks 05/06, <c>reproduce</c> and the tests call. The last sequence of the data
/// is held out (as <c>./workspace train --model sfmlearner</c> does); the others train.
/// </summary>
public static class OdometryStudy
{
    /// <summary>Snippet length of the study: 5 frames, the SfMLearner odometry protocol (ATE on 5-frame
    /// snippets).</summary>
    public const int SnippetLength = 5;

    public const string ModelFileName = "sfmlearner.sfm", HistoryFileName = "history.json";

    static readonly JsonSerializerOptions Json = JsonDefaults.SnakeCase;

    public static string DataFolder(Profile profile) =>
        Path.Combine(WorkspacePaths.GeneratedData(), $"odometry-{profile.Name()}");

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
        StepCache.Ensure(folder, "synth odometry", DataIdentity(options),
            (dir, _) => SyntheticOdometry.Write(dir, options), force);
        return folder;
    }

    /// <summary>What the rendered data depends on: the options, and the renderer's version, raised by hand when the
    /// same options would render other images. Not the code's fingerprint: any library change would then re-render the
    /// data and retrain every model on it.</summary>
    public static object DataIdentity(SyntheticOdometry.Options options) => new { renderer = 4, options };

    /// <summary>The study's SfMLearner for <paramref name="profile"/>, trained on the profile's synthetic training
    /// sequences into <c>artifacts/checkpoints/sfmlearner-&lt;profile&gt;/</c> (model file and history JSON) when
    /// missing or stale, reused otherwise. Returns the model file (what <c>--checkpoint</c> takes).
    /// An interrupted run resumes after its last finished epoch.</summary>
    /// <param name="retrain">train here even where the shipped model applies (full profile).</param>
    public static string EnsureTrained(Profile profile, bool force = false, bool retrain = false)
    {
        var data = SyntheticOdometry.ForProfile(profile);
        var dataRoot = EnsureData(DataFolder(profile), data, force: false);
        var folder = CheckpointFolder(profile);
        if (profile == ShippedModels.TrainedProfile && !retrain
            && ShippedModels.EnsureInstalled(ShippedModels.SfmName, folder, TrainingKey(profile), force))
            return Path.Combine(folder, ModelFileName);
        force |= retrain && ModelProvenance.Read(folder)?.IsShipped == true;
        return EnsureTrained(dataRoot, folder, TrainingOptions(profile), data.Width, data.Height, DataIdentity(data),
            force);
    }

    /// <summary>The cache key of the study SfMLearner's training on <paramref name="profile"/>'s synthetic sequences:
    /// the one <see cref="EnsureTrained(string, string, SfmTrainingOptions, int, int, object?, bool)"/> computes from
    /// the rendered data, known without rendering it.</summary>
    public static object TrainingKey(Profile profile)
    {
        var data = SyntheticOdometry.ForProfile(profile);
        var names = Enumerable.Range(0, data.Sequences).Select(i => i.ToString("00", CultureInfo.InvariantCulture))
            .ToList();
        return Key(TrainingOptions(profile), data.Width, data.Height, names.Count > 1 ? names[..^1] : names,
            DataIdentity(data));
    }

    static object Key(SfmTrainingOptions options, int width, int height, IReadOnlyList<string> trainNames,
        object data) => new { options, width, height, trainNames, data };

    /// <summary>Trains on every sequence of <paramref name="dataRoot"/> but the last, at width x height, into
    /// <paramref name="folder"/>; <paramref name="dataIdentity"/> (e.g. the generator's options) joins the cache
    /// key.</summary>
    public static string EnsureTrained(string dataRoot, string folder, SfmTrainingOptions options, int width,
        int height,
        object? dataIdentity = null, bool force = false)
    {
        var trainNames = TrainSequences(dataRoot);
        var config = Key(options, width, height, trainNames, dataIdentity ?? dataRoot);
        StepCache.Ensure(folder, "train sfmlearner", config, (dir, resume) =>
        {
            var sequences = Load(dataRoot, trainNames, width, height);
            try
            {
                var settings = options.SettingsFor(width, height, trainNames, SfmTrainer.MeanMotion(sequences));
                using var model = SfmTrainer.NewModel(settings, options);
                var history =
                    SfmTrainer.Train(model, sequences, options, Path.Combine(dir, ModelFileName), resume: resume);
                AtomicFile.WriteAllText(Path.Combine(dir, HistoryFileName), JsonSerializer.Serialize(history, Json));
            }
            finally { foreach (var s in sequences) s.Dispose(); }
        }, force, NonFiniteTraining);
        return Path.Combine(folder, ModelFileName);
    }

    /// <summary>Why a finished training folder cannot be reused: a weight or a step's loss that is NaN or infinite.
    /// </summary>
    static string? NonFiniteTraining(string folder)
    {
        if (SfmCheckpoint.NonFiniteWeights(Path.Combine(folder, ModelFileName)) is { } weights) return weights;
        var history = Path.Combine(folder, HistoryFileName);
        var steps = JsonSerializer.Deserialize<SfmTrainingHistory>(File.ReadAllText(history), Json)?.Steps ?? [];
        return steps.FirstOrDefault(s => !double.IsFinite(s.Total)) is { } bad
            ? $"{history}: the loss of step {bad.Step} is {FiniteCheck.Kind(bad.Total)}" : null;
    }

    /// <summary>The loss history saved beside a checkpoint (the model file or its folder).</summary>
    public static SfmTrainingHistory ReadHistory(string checkpoint)
    {
        var path = Path.Combine(Folder(checkpoint), HistoryFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"No training history beside the checkpoint: {path}",
            path);
        return JsonSerializer.Deserialize<SfmTrainingHistory>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path}: unreadable training history.");
    }

    /// <summary>ATE (with the zero-motion and mean-training-motion baselines) and depth errors on the held-out
    /// sequences of <paramref name="dataRoot"/> (the study's: <see cref="StudyData.EnsureOdometry"/>).</summary>
    public static OdometryEvaluation Evaluate(string checkpoint, string dataRoot)
    {
        using var model = SfmCheckpoint.Load(ModelFile(checkpoint));
        var sequences =
            Load(dataRoot, HeldOutSequences(dataRoot, model.Settings), model.Settings.Width, model.Settings.Height);
        try { return SfmEvaluator.Evaluate(model, sequences); }
        finally { foreach (var s in sequences) s.Dispose(); }
    }

    /// <summary>
    /// The pose ceiling of a trained checkpoint (<see cref="PoseCeiling"/>): SfMLearner's PoseNet fitted to the true
    /// poses of the checkpoint's training sequences, with its snippet length and image size and the epochs and batch
    /// size of <paramref name="training"/> (the same budget), evaluated on its held-out sequences. Cached in a folder
    /// beside the checkpoint's (<c>&lt;checkpoint folder&gt;-pose-ceiling/</c>), keyed by the checkpoint and the code
    /// (<see cref="StepCache.CodeKey"/>); null when a sequence has no ground-truth poses. The shipped SfMLearner's
    /// ceiling ships with it (<see cref="ShippedModels.Ceiling"/>).
    /// </summary>
    public static PoseCeilingResult? EnsureCeiling(string checkpoint, string dataRoot, SfmTrainingOptions training,
        bool force = false)
    {
        var settings = SfmLearner.ReadSettings(ModelFile(checkpoint));
        var trainNames = settings.TrainSequences?.ToList() ?? TrainSequences(dataRoot).ToList();
        var heldOutNames = HeldOutSequences(dataRoot, settings);
        var all = OdometryDatasets.Open(dataRoot);
        if (all.Where(s => trainNames.Contains(s.Name) || heldOutNames.Contains(s.Name))
            .Any(s => s.Poses is null)) return null;
        var options = new PoseCeilingOptions(training.Epochs, training.BatchSize,
            SequenceLength: settings.SequenceLength, Seed: training.Seed);
        var marker = Path.Combine(Folder(checkpoint), StepCache.MarkerName);
        var checkpointKey = File.Exists(marker) ? File.ReadAllText(marker)
            : $"{new FileInfo(ModelFile(checkpoint)).Length}:{File.GetLastWriteTimeUtc(ModelFile(checkpoint)):O}";
        var folder = Folder(checkpoint).TrimEnd(Path.DirectorySeparatorChar) + "-pose-ceiling";
        var config = StepCache.CodeKey(new { options, checkpoint = checkpointKey, trainNames, heldOutNames });
        StepCache.Ensure(folder, "pose ceiling", config, (dir, _) =>
        {
            if (ShippedModels.Ceiling(Folder(checkpoint)) is { } shipped)
            {
                File.Copy(shipped, Path.Combine(dir, CeilingFileName));
                return;
            }
            var train = Load(dataRoot, trainNames, settings.Width, settings.Height);
            var heldOut = Load(dataRoot, heldOutNames, settings.Width, settings.Height);
            try { AtomicFile.WriteAllText(Path.Combine(dir, CeilingFileName),
                JsonSerializer.Serialize(PoseCeiling.Run(train, heldOut, options), Json)); }
            finally { foreach (var s in train.Concat(heldOut)) s.Dispose(); }
        }, force);
        return JsonSerializer.Deserialize<PoseCeilingResult>(File.ReadAllText(Path.Combine(folder, CeilingFileName)),
            Json)
            ?? throw new InvalidDataException($"{Path.Combine(folder, CeilingFileName)}: unreadable pose ceiling.");
    }

    public const string CeilingFileName = "pose-ceiling.json";

    /// <summary>Predicted and ground-truth depth of one held-out frame of <paramref name="dataRoot"/> (default: the
    /// middle of the first held-out sequence).</summary>
    public static DepthSample PredictDepth(string checkpoint, string dataRoot, string? sequence = null,
        int? frame = null)
    {
        using var model = SfmCheckpoint.Load(ModelFile(checkpoint));
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

    /// <summary>The saliency maps of one held-out snippet of <paramref name="dataRoot"/> (any KITTI-layout or prepared
    /// folder; default: the middle of the first held-out sequence): the
    /// negative-loss Grad-CAM at every layer of <see cref="SfmCamModel.Layers"/>, the per-DoF maps (default: every DoF
    /// of the motion to t+1) at <paramref name="dofLayer"/>, the photometric error map. The per-DoF maps default to the
    /// layer the study's faithfulness is measured at (<see cref="PoseLayerChoice.Deepest"/>: conv3 in quick, conv4 in
    /// full): the study's conv7 is a single cell at the profiles' frame sizes.</summary>
    public static OdometryExplanation Explain(string checkpoint, string dataRoot, string? sequence = null,
        int? frame = null,
        IReadOnlyList<(string Name, int Component, double Sign)>? dofs = null, string? dofLayer = null)
    {
        using var model = SfmCheckpoint.Load(ModelFile(checkpoint));
        using var seq = LoadOne(dataRoot, model.Settings, sequence);
        int t = ResolveFrame(seq, model.Settings.SequenceLength, frame);
        using var scope = TorchSharp.torch.NewDisposeScope();
        return OdometrySaliency.Explain(model, seq.Snippet([t], model.Settings.SequenceLength), dofs,
            dofLayer: dofLayer ?? PoseLayerChoice.Deepest(model, width: seq.Width, height: seq.Height).Layer);
    }

    /// <summary>
    /// The faithfulness of the regression maps on held-out snippets: masks the top <paramref name="fraction"/> pixels
    /// of each snippet's negative-loss map at <paramref name="layer"/> (default: <see cref="PoseLayerChoice.Deepest"/>,
    /// the deepest PoseNet conv whose map is at least 4×4 cells) and compares the loss increase with three controls: as
    /// many random pixels, the salient shape shifted, and the top pixels of a random map drawn at the layer's
    /// resolution (five draws each, seeded per snippet, <see cref="RegressionFaithfulness"/>). With
    /// <paramref name="sanity"/>, the same snippets are explained by a copy of the model with a re-initialised PoseNet
    /// (<see cref="PoseNetRandomisation"/>) and the maps compared by rank correlation. With <paramref name="flow"/>
    /// (data with true depth and poses), the per-DoF maps of tz and ry of the motion to t+1 are compared with the true
    /// optical flow (<see cref="DofFlowEnergy"/>).
    /// </summary>
    /// <param name="snippets">at most this many, evenly spaced; null: every held-out snippet.</param>
    public static OdometryFaithfulness Faithfulness(string checkpoint, string dataRoot, string? layer = null,
        int? snippets = null,
        double fraction = 0.1, bool sanity = true, bool flow = true)
    {
        if (snippets < 1) throw new ArgumentException($"Need at least one snippet (got {snippets}).");
        if (layer is not null && !SfmCamModel.IsLayer(layer)) throw new ArgumentException(
            $"Unknown layer '{layer}': use {SfmCamModel.LayerNames}.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var model = SfmCheckpoint.Load(ModelFile(checkpoint));
        int length = model.Settings.SequenceLength;
        var dofLayer = PoseLayerChoice.Deepest(model).Layer;
        layer ??= dofLayer;
        var sequences =
            Load(dataRoot, HeldOutSequences(dataRoot, model.Settings), model.Settings.Width, model.Settings.Height);
        SfmLearner? randomised = null;
        try
        {
            var all = sequences.SelectMany(s => s.Targets(length).Select(t => (Seq: s, Frame: t))).ToList();
            int count = Math.Min(snippets ?? all.Count, all.Count);
            var chosen = Enumerable.Range(0, count).Select(i => all[(int)((i + 0.5) * all.Count / count)]).ToList();
            if (sanity) randomised = PoseNetRandomisation.RandomisedCopy(model);
            var results = new List<SnippetFaithfulness>();
            (int H, int W) size = (0, 0);
            foreach (var group in chosen.GroupBy(c => c.Seq))
            {
                var seq = group.Key;
                var frames = group.Select(c => c.Frame).ToList();
                var (maps, layerSize) = SequenceSaliencyExplainer.Maps(model, seq, frames, layer);         // [N,H,W]
                size = layerSize;
                using var _ = maps;
                using var randomMaps = randomised is null ? null
                    : SequenceSaliencyExplainer.Maps(randomised, seq, frames, layer).Maps;
                var rho = randomMaps is null ? null : PoseNetRandomisation.RankCorrelations(maps, randomMaps);
                var flows = flow ? FlowEnergies(model, seq, frames, dofLayer) : null;
                for (int i = 0; i < frames.Count; i++)
                {
                    using var scope = TorchSharp.torch.NewDisposeScope();
                    var map = OdometrySaliency.ToArray(maps[i]);
                    bool isFlat = OdometryExplanation.IsFlat(map);
                    // each snippet its own seeded draws (random pixels, shifts, random maps): the controls do not
                    // repeat across snippets
                    int seed = 7 + 100_000 * sequences.IndexOf(seq) + frames[i];
                    var check = RegressionFaithfulness.Check(model, seq.Snippet([frames[i]], length), map, fraction,
                        seed: seed, layerSize: layerSize);
                    results.Add(
                        new SnippetFaithfulness(seq.Name, frames[i], check, isFlat, rho?[i] ?? double.NaN, flows?[i]));
                }
            }
            var informative = results.Where(r => !r.FlatMap).ToList();
            var means = new MeanRatios(MeanFinite(informative.Select(r => r.Result.Ratio)),
                MeanFinite(informative.Select(r => r.Result.RatioShifted)), results.Count(r => r.FlatMap));
            return new OdometryFaithfulness(layer, fraction, results, means, new LayerCells(size.H, size.W),
                all.Count, flow ? dofLayer : null, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            randomised?.Dispose();
            foreach (var s in sequences) s.Dispose();
        }
    }

    /// <summary>The per-DoF maps (<see cref="OdometryFaithfulness.FlowDofs"/>, motion to t+1, sign of the true motion)
    /// of each target frame against the true optical flow; null when the sequence has no true depth or poses.</summary>
    static List<DofFlowEnergy>[]? FlowEnergies(SfmLearner model, SequenceFrames seq, IReadOnlyList<int> frames,
        string layer)
    {
        if (seq.Depth is null || seq.Poses is null) return null;
        // t+1 among t-k..t-1, t+1..t+k
        int length = model.Settings.SequenceLength, next = (length - 1) / 2;
        var truth = frames.Select(t => seq.ReferencePoses(t, length)[next]).ToList();        // [N][6], target -> t+1
        using var scope = TorchSharp.torch.NewDisposeScope();
        var pose = TorchSharp.torch.tensor(truth.SelectMany(p => p.Select(v => (float)v)).ToArray(), [frames.Count, 6]);
        // [N,H,W]
        var depth = seq.Depth.index_select(0, TorchSharp.torch.tensor(frames.Select(t => (long)t).ToArray()));
        var k = SequenceFrames.IntrinsicsTensor(seq.Intrinsics).unsqueeze(0).expand(frames.Count, 3, 3);
        var full = RigidFlow.Magnitude(RigidFlow.Compute(depth, pose, k));                  // [N,H,W]
        var result = frames.Select(_ => new List<DofFlowEnergy>()).ToArray();
        foreach (var dof in OdometryFaithfulness.FlowDofs)
        {
            int d = PoseMath.DofNames.ToList().IndexOf(dof);
            var signs = truth.Select(p => p[d] < 0 ? -1.0 : 1.0).ToList();
            var bySign = frames.Select((t, i) => (t, s: signs[i])).ToDictionary(x => x.t, x => x.s);
            var (maps, _) = SequenceSaliencyExplainer.Maps(model, seq, frames, layer,
                t => new RegressionTarget("pose", SfmCamModel.PoseComponent(next, dof), bySign[t]));
            var alone = RigidFlow.Magnitude(RigidFlow.Compute(depth, RigidFlow.Only(pose, dof), k));
            for (int i = 0; i < frames.Count; i++)
            {
                var map = OdometrySaliency.ToArray(maps[i]);
                bool flat = OdometryExplanation.IsFlat(map);
                result[i]
                    .Add(new DofFlowEnergy(dof, signs[i], FlowEnergy.Of(map, OdometrySaliency.ToArray(full[i])).Ratio,
                    FlowEnergy.Of(map, OdometrySaliency.ToArray(alone[i])).Ratio, flat));
            }
            maps.Dispose();
        }
        return result;
    }

    /// <summary>Held-out snippets the study measures the odometry maps on: every one of the synthetic drive's (76 in
    /// quick, 396 in full), evenly spaced beyond 80 in quick and 400 in full (a KITTI sequence has over a thousand). At
    /// least the claim's <see cref="Pipeline.ClaimRules.MinSnippets"/> either way.</summary>
    public static int FaithfulnessSnippets(Profile profile) => profile == Profile.Full ? 400 : 80;

    /// <summary>The study's faithfulness measurement (<see cref="Faithfulness"/> at the chosen layer, every control,
    /// the sanity check and the flow energy, on <see cref="FaithfulnessSnippets"/> held-out snippets) of a trained
    /// checkpoint, cached in a folder beside the checkpoint's (<c>&lt;checkpoint folder&gt;-faithfulness/</c>) keyed by
    /// the checkpoint and the code: <c>reproduce</c> measures it once and notebook 06 shows the same numbers.</summary>
    public static OdometryFaithfulness EnsureFaithfulness(string checkpoint, string dataRoot, Profile profile,
        bool force = false)
    {
        var settings = SfmLearner.ReadSettings(ModelFile(checkpoint));
        var heldOutNames = HeldOutSequences(dataRoot, settings);
        var marker = Path.Combine(Folder(checkpoint), StepCache.MarkerName);
        var checkpointKey = File.Exists(marker) ? File.ReadAllText(marker)
            : $"{new FileInfo(ModelFile(checkpoint)).Length}:{File.GetLastWriteTimeUtc(ModelFile(checkpoint)):O}";
        var folder = Folder(checkpoint).TrimEnd(Path.DirectorySeparatorChar) + "-faithfulness";
        int snippets = FaithfulnessSnippets(profile);
        var config = StepCache.CodeKey(new
        {
            checkpoint = checkpointKey, heldOutNames, snippets, fraction = 0.1, dataRoot = Path.GetFullPath(dataRoot),
        });
        StepCache.Ensure(folder, "odometry faithfulness", config, (dir, _) =>
            AtomicFile.WriteAllText(Path.Combine(dir, FaithfulnessFileName),
                JsonSerializer.Serialize(Faithfulness(checkpoint, dataRoot, snippets: snippets), Json)), force);
        return JsonSerializer.Deserialize<OdometryFaithfulness>(
            File.ReadAllText(Path.Combine(folder, FaithfulnessFileName)), Json)
            ?? throw new InvalidDataException(
                $"{Path.Combine(folder, FaithfulnessFileName)}: unreadable faithfulness measurement.");
    }

    const string FaithfulnessFileName = "faithfulness.json";

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
                ?? throw new DirectoryNotFoundException(
                    $"Sequence '{n}' not found in {dataRoot} (have: {string.Join(", ", all.Select(s => s.Name))})."))
            .Select(s => SequenceFrames.Load(s, width, height)).ToList();
    }

    static SequenceFrames LoadOne(string dataRoot, SfmSettings settings, string? sequence) =>
        Load(dataRoot, [sequence ?? HeldOutSequences(dataRoot, settings)[0]], settings.Width, settings.Height)[0];

    static int ResolveFrame(SequenceFrames seq, int length, int? frame)
    {
        var targets = seq.Targets(length).ToList();
        int t = frame ?? targets[targets.Count / 2];
        if (!targets.Contains(t))
            throw new ArgumentException(
                $"Frame {t} of sequence {seq.Name} has no {length}-frame snippet (targets " +
                $"{targets[0]}..{targets[^1]}).");
        return t;
    }

    static double MeanFinite(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? double.NaN : v.Average();
    }
}
