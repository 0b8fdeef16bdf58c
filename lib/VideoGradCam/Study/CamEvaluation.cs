using System.Text.Json;
using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>Every metric of one CAM method (and weighting) on a model, measured against the synthetic set's ground truth.</summary>
/// <param name="PointingGame">share of relevant frames whose map maximum lies in the evidence mask (15 px tolerance).</param>
/// <param name="EnergyInMask">mean share of map energy inside the evidence mask, relevant frames.</param>
/// <param name="TemporalAuc">ROC AUC of per-frame map energy against the relevant frames (mean over clips).</param>
/// <param name="GradientTemporalAuc">the same with the gradient-norm importance curve.</param>
/// <param name="DeletionAuc">RISE deletion AUC of the target's probability (lower is better); NaN when not run.</param>
/// <param name="InsertionAuc">RISE insertion AUC (higher is better); NaN when not run.</param>
/// <param name="SanityFinalSpearman">rank correlation with the original maps once every layer is randomised.</param>
/// <param name="OtherClassEnergyInMask">energy in the true class's evidence for a map of another class (the most probable wrong one).</param>
/// <param name="OtherClassSpearman">rank correlation between the true-class and the other-class maps.</param>
/// <param name="FrameImportance">per clip, the share of map energy in each frame.</param>
public sealed record MethodScores(string Method, string Weighting, double PointingGame, double EnergyInMask, double TemporalAuc,
    double GradientTemporalAuc, double DeletionAuc, double InsertionAuc, bool SanityPassed, double SanityFinalSpearman,
    double OtherClassEnergyInMask, double OtherClassSpearman, double[][] FrameImportance);

/// <summary>Attention against the relevant frames: mass on them (chance: their share), and the ROC AUC.</summary>
public sealed record AttentionScores(double MassOnRelevant, double ChanceMass, double Auc);

/// <summary>The output of <c>./workspace evaluate-cam</c> for one checkpoint.</summary>
/// <param name="MaskArea">mean share of a relevant frame covered by the evidence mask: the energy share of a uniform map.</param>
/// <param name="PointingChance">mean share covered by the mask dilated by the 15-pixel tolerance: the pointing game of a random maximum.</param>
/// <param name="HasGroundTruth">false on a real data set without annotations: the metrics against masks and relevant frames
/// (pointing, energy, temporal AUC, attention on relevant frames, chance levels) are NaN, not measured; the others are measured.</param>
/// <param name="AttentionWeights">per clip, the attention model's weights over the sampled frames (null: no attention, or an older evaluation).</param>
public sealed record CamEvaluation(string Checkpoint, string Architecture, string Layer, string Split, int Clips, double Accuracy,
    double MaskArea, double PointingChance, string[] Videos, string[] Labels, string[] Predicted, bool[][] Relevant, IReadOnlyList<MethodScores> Methods, AttentionScores? Attention,
    bool HasGroundTruth = true, double[][]? AttentionWeights = null)
{
    static readonly JsonSerializerOptions Options = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options));

    public static CamEvaluation Load(string path) =>
        JsonSerializer.Deserialize<CamEvaluation>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty CAM evaluation.");

    public MethodScores Method(CamMethod method, TemporalWeighting? weighting = null) =>
        Methods.First(m => m.Method == method.ToString() && (weighting is null || m.Weighting == weighting.ToString()));
}

/// <summary>What <see cref="CamEvaluator.Evaluate"/> measures and on how much data.</summary>
/// <param name="DeletionClips">clips scored by deletion/insertion (16 forward passes per clip and curve).</param>
/// <param name="SanityClips">clips used by the model-randomisation check.</param>
public sealed record CamEvaluationOptions(IReadOnlyList<(CamMethod Method, TemporalWeighting? Weighting)> Methods, string Split = "test",
    int? MaxClips = null, int DeletionClips = 8, int SanityClips = 4, int BatchSize = 8, string? Layer = null)
{
    public static readonly IReadOnlyList<CamMethod> AllMethods = Enum.GetValues<CamMethod>();

    /// <summary>Every method with the model's default weighting, plus Grad-CAM with the other weighting.</summary>
    public static CamEvaluationOptions Study(Profile profile) => new(
        [.. AllMethods.Select(m => (m, (TemporalWeighting?)null)), (CamMethod.GradCam, TemporalWeighting.Global), (CamMethod.GradCam, TemporalWeighting.TimeResolved)],
        DeletionClips: profile == Profile.Full ? 32 : 8, SanityClips: profile == Profile.Full ? 8 : 4);
}

/// <summary>Measures the CAM methods on a checkpoint against the ground truth of the synthetic set.</summary>
public static class CamEvaluator
{
    public static CamEvaluation Evaluate(string checkpoint, string dataRoot, CamEvaluationOptions options)
    {
        var loaded = Checkpoint.Load(checkpoint);
        var model = loaded.Model;
        model.to(ComputeDevice.Default);
        model.eval();
        var names = loaded.Info.ClassNames;
        var items = ClassifierStudy.Split(VideoDataset.FromFolders(dataRoot))[options.Split].Items.Take(options.MaxClips ?? int.MaxValue).ToList();
        if (items.Count == 0) throw new InvalidDataException($"{dataRoot}: no clips in the '{options.Split}' split.");
        var sampler = ClassifierStudy.Sampler(loaded.Info.Data);
        string layer = options.Layer ?? model.DefaultCamLayer;
        var methods = options.Methods.Select(m => (m.Method, Weighting: m.Weighting ?? new CamSettings().WeightingFor(model))).Distinct().ToList();

        // Clips, masks and relevance stay in memory: the synthetic test split is small. A real set without annotations
        // has neither masks nor relevant frames: only the metrics that need no ground truth are measured.
        bool groundTruth = items.All(i => ClipAnnotation.ExistsFor(i.Path));
        var clips = new List<Tensor>(); var masks = new List<Tensor>(); var relevance = new List<bool[]>();
        foreach (var item in Progress.Over(items, "loading clips"))
        {
            using var clip = FrameSampler.Sample(item.Path, sampler, label: item.Label);
            clips.Add(clip.Frames.clone());
            if (!groundTruth) continue;
            var annotation = ClipAnnotation.ForVideo(item.Path);
            masks.Add(annotation.MasksFor(clip));
            relevance.Add(annotation.RelevanceAt(clip.FrameIndices));
        }
        var labels = items.Select(i => i.Label).ToArray();

        // Predictions, the "other" class (most probable wrong one) and attention, without gradients.
        var predicted = new int[items.Count]; var other = new int[items.Count];
        var attentionRows = new List<double[]>();
        using (no_grad())
            for (int s = 0; s < items.Count; s += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = stack(clips.Skip(s).Take(options.BatchSize)).to(ComputeDevice.Default);
                var f = model.Forward(batch, []);
                var logits = f.Logits.cpu();
                for (int b = 0; b < logits.shape[0]; b++)
                {
                    predicted[s + b] = (int)logits[b].argmax().item<long>();
                    var masked = logits[b].clone();
                    masked[labels[s + b]] = float.NegativeInfinity;
                    other[s + b] = (int)masked.argmax().item<long>();
                }
                if (f.Attention is not null)
                    attentionRows.AddRange(Enumerable.Range(0, (int)f.Attention.shape[0]).Select(b => f.Attention[b].cpu().to(float64).data<double>().ToArray()));
            }

        var scores = new List<MethodScores>();
        using (var progress = new Progress($"evaluate-cam {model.Architecture}", methods.Count))
            foreach (var (method, weighting) in methods)
            {
                progress.Status($"{method} ({weighting})");
                scores.Add(Score(model, method, weighting, layer, clips, masks, relevance, labels, other, options));
                progress.Advance($"{method} ({weighting}) done");
            }

        AttentionScores? attention = null;
        if (attentionRows.Count > 0 && groundTruth)
        {
            using var a = tensor(attentionRows.SelectMany(r => r).ToArray()).reshape(attentionRows.Count, attentionRows[0].Length);
            using var r = tensor(relevance.SelectMany(x => x).ToArray()).reshape(relevance.Count, relevance[0].Length);
            var agreement = AttentionAgreement.Evaluate(a, r);
            attention = new AttentionScores(agreement.MassOnRelevant, agreement.ChanceMass, agreement.Auc.Mean);
        }
        double maskArea = double.NaN, pointingChance = double.NaN;
        if (groundTruth)
        {
            using var all = stack(masks).to(float32);
            maskArea = MaskArea(all, relevance);
            using var dilated = PointingGame.Dilate(all.flatten(0, 1), PointingGame.DefaultTolerance).reshape(all.shape).to(float32);
            pointingChance = MaskArea(dilated, relevance);
        }
        var result = new CamEvaluation(checkpoint, model.Architecture, layer, options.Split, items.Count,
            predicted.Zip(labels).Count(p => p.First == p.Second) / (double)items.Count, maskArea, pointingChance,
            items.Select(i => i.Path).ToArray(), labels.Select(l => names[l]).ToArray(), predicted.Select(p => names[p]).ToArray(),
            relevance.ToArray(), scores, attention, groundTruth, attentionRows.Count > 0 ? attentionRows.ToArray() : null);
        foreach (var t in clips.Concat(masks)) t.Dispose();
        model.Dispose();
        return result;
    }

    static MethodScores Score(VideoClassifier model, CamMethod method, TemporalWeighting weighting, string layer,
        List<Tensor> clips, List<Tensor> masks, List<bool[]> relevance, int[] labels, int[] other, CamEvaluationOptions options)
    {
        var engine = new CamEngine(model.AsCamModel(), method, weighting);
        int hits = 0, frames = 0; double energy = 0; int energyFrames = 0;
        double otherEnergy = 0; int otherFrames = 0; var otherRho = new List<double>();
        var importance = new List<double[]>(); var gradientImportance = new List<double[]>();
        var deletion = new List<double>(); var insertion = new List<double>();
        for (int s = 0; s < clips.Count; s += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(options.BatchSize, clips.Count - s);
            var batch = stack(clips.Skip(s).Take(n)).to(ComputeDevice.Default);
            bool groundTruth = masks.Count > 0;
            var gt = groundTruth ? stack(masks.Skip(s).Take(n)) : null;
            var rel = groundTruth ? tensor(relevance.Skip(s).Take(n).SelectMany(r => r).ToArray()).reshape(n, -1) : null;
            var targets = Enumerable.Range(s, n).Select(i => (ICamTarget)new ClassTarget(labels[i])).ToList();
            using var result = engine.Explain(batch, targets, layer);
            var maps = result.Maps.cpu();
            if (gt is not null && rel is not null)
            {
                var pg = PointingGame.Evaluate(maps, gt, rel);
                hits += pg.Hits; frames += pg.Frames;
                var ep = EnergyPointingGame.Evaluate(maps, gt, rel);
                if (ep.Frames > 0) { energy += ep.MeanShare * ep.Frames; energyFrames += ep.Frames; }
            }
            importance.AddRange(Rows(result.FrameImportance));
            gradientImportance.AddRange(Rows(result.GradientImportance));

            var otherTargets = Enumerable.Range(s, n).Select(i => (ICamTarget)new ClassTarget(other[i])).ToList();
            using var otherResult = engine.Explain(batch, otherTargets, layer);
            var otherMaps = otherResult.Maps.cpu();
            if (gt is not null && rel is not null)
            {
                var oe = EnergyPointingGame.Evaluate(otherMaps, gt, rel);
                if (oe.Frames > 0) { otherEnergy += oe.MeanShare * oe.Frames; otherFrames += oe.Frames; }
            }
            for (int b = 0; b < n; b++)
                otherRho.Add(Ranks.Spearman(maps[b].flatten().to(float64).data<double>().ToArray(), otherMaps[b].flatten().to(float64).data<double>().ToArray()));

            int scored = Math.Min(n, Math.Max(0, options.DeletionClips - s));
            if (scored > 0)
            {
                var di = DeletionInsertion.Evaluate((perturbed, b) =>
                {
                    using var _ = no_grad();
                    return model.forward(perturbed.to(ComputeDevice.Default)).softmax(1)[.., labels[s + b]].cpu();
                }, batch[..scored].cpu(), maps[..scored]);
                deletion.AddRange(di.DeletionAuc); insertion.AddRange(di.InsertionAuc);
            }
        }
        var temporal = relevance.Count == 0 ? double.NaN : TemporalAuc(importance, relevance);
        var gradientTemporal = relevance.Count == 0 ? double.NaN : TemporalAuc(gradientImportance, relevance);

        // Sanity check (Adebayo et al.): cascading randomisation from the top on the first clips.
        RandomisationResult sanity;
        using (var scope = NewDisposeScope())
        {
            int k = Math.Min(options.SanityClips, clips.Count);
            var batch = stack(clips.Take(k)).to(ComputeDevice.Default);
            sanity = ModelRandomisation.Run(engine, model, batch, Enumerable.Range(0, k).Select(i => (ICamTarget)new ClassTarget(labels[i])).ToList(), layer);
        }
        return new MethodScores(method.ToString(), weighting.ToString(), frames == 0 ? double.NaN : hits / (double)frames,
            energyFrames == 0 ? double.NaN : energy / energyFrames, temporal, gradientTemporal,
            deletion.Count == 0 ? double.NaN : deletion.Average(), insertion.Count == 0 ? double.NaN : insertion.Average(),
            sanity.Passed, sanity.Steps.Count == 0 ? double.NaN : sanity.Steps[^1].Spearman,
            otherFrames == 0 ? double.NaN : otherEnergy / otherFrames, otherRho.Count == 0 ? double.NaN : otherRho.Where(r => !double.IsNaN(r)).DefaultIfEmpty(double.NaN).Average(),
            importance.ToArray());
    }

    static double TemporalAuc(List<double[]> importance, List<bool[]> relevance)
    {
        using var i = tensor(importance.SelectMany(r => r).ToArray()).reshape(importance.Count, importance[0].Length);
        using var r = tensor(relevance.SelectMany(x => x).ToArray()).reshape(relevance.Count, relevance[0].Length);
        return TemporalRelevance.Evaluate(i, r).Mean;
    }

    static IEnumerable<double[]> Rows(Tensor t)
    {
        var c = t.detach().cpu().to(float64);
        return Enumerable.Range(0, (int)c.shape[0]).Select(b => c[b].data<double>().ToArray()).ToList();
    }

    /// <summary>Mean share of a relevant frame covered by the evidence mask: what a uniform map would score in energy.</summary>
    static double MaskArea(Tensor masks, List<bool[]> relevance)
    {
        var shares = new List<double>();
        for (int b = 0; b < masks.shape[0]; b++)
            for (int t = 0; t < masks.shape[1]; t++)
            {
                var area = masks[b, t].mean().item<float>();
                if (relevance[b][t] && area > 0) shares.Add(area);
            }
        return shares.Count == 0 ? double.NaN : shares.Average();
    }
}

/// <summary>The study's CAM measurements, cached: one evaluation per model and profile in artifacts/cam-eval/.</summary>
public static class CamStudyEvaluations
{
    /// <summary>Bumped when <see cref="CamEvaluation"/> gains fields, so cached evaluations are measured again.</summary>
    public const int FormatVersion = 2;

    public static string Folder(string architecture, Profile profile) =>
        Path.Combine(WorkspacePaths.Artifacts(), "cam-eval", $"{architecture}-{profile.Name()}");

    /// <summary>One metric of every method, a bar series per model (<see cref="Plots.CamMetricPlot"/>).</summary>
    public static Plotly.NET.GenericChart MetricBars(this IReadOnlyList<CamEvaluation> evaluations, string metric,
        Func<MethodScores, double> value, double? reference = null) =>
        Plots.CamMetricPlot.Bars(evaluations.Select(e => (e.Architecture,
            (IReadOnlyList<(string, double)>)e.Methods.Select(m => ($"{m.Method} ({m.Weighting})", value(m))).ToList())).ToList(), metric, reference);

    /// <summary>Study seed <paramref name="seed"/>'s evaluation: seed 0 is <see cref="Folder(string, Profile)"/>, seed k &gt; 0
    /// is <c>cam-eval/&lt;arch&gt;-&lt;profile&gt;-seed&lt;k&gt;</c>.</summary>
    public static string Folder(string architecture, Profile profile, int seed) =>
        Folder(architecture, profile) + ClassifierStudy.SeedSuffix(seed);

    /// <summary>Evaluates every method on the model's test clips (training it first if needed); reused while the
    /// checkpoint and the options are unchanged.</summary>
    public static CamEvaluation Ensure(string architecture, Profile profile, bool force = false) =>
        Ensure(architecture, profile, StudyData.Synthetic, force);

    /// <summary>The same on <paramref name="data"/>'s action set; without ground truth only the metrics that need none are measured.</summary>
    public static CamEvaluation Ensure(string architecture, Profile profile, StudyData data, bool force = false) =>
        Ensure(architecture, profile, data, seed: 0, force);

    /// <summary>The same for study seed <paramref name="seed"/>'s checkpoint (<see cref="ClassifierStudy.EnsureTrained(string, Profile, StudyData, int, bool)"/>):
    /// the same clips and options, its own folder; seed 0 is the study's evaluation (same folder and cache key).</summary>
    public static CamEvaluation Ensure(string architecture, Profile profile, StudyData data, int seed, bool force = false)
    {
        var checkpoint = ClassifierStudy.EnsureTrained(architecture, profile, data, seed);
        var dataRoot = data.EnsureActions(profile);
        var options = Options(architecture, profile, seed);
        var folder = Folder(architecture, profile, seed);
        var key = CacheKey(architecture, profile, data, File.ReadAllText(Path.Combine(checkpoint, Checkpoint.InfoFile)), seed);
        StepCache.Ensure(folder, seed == 0 ? $"evaluate-cam {architecture}" : $"evaluate-cam {architecture} (seed {seed})", key,
            (dir, _) => CamEvaluator.Evaluate(checkpoint, dataRoot, options).Save(Path.Combine(dir, "evaluation.json")), force);
        return CamEvaluation.Load(Path.Combine(folder, "evaluation.json"));
    }

    /// <summary>What the study measures on a model: every method (<see cref="CamEvaluationOptions.Study"/>) at its CAM layer.</summary>
    public static CamEvaluationOptions Options(string architecture, Profile profile) =>
        CamEvaluationOptions.Study(profile) with { Layer = ClassifierSettings.For(architecture, profile).CamLayer };

    /// <summary>Study seed <paramref name="seed"/>'s options: seed 0 measures every method; an extra seed measures only what
    /// the claims read (Grad-CAM with the default weighting, and the attention weights), which costs about a seventh of
    /// seed 0's evaluation: the spread over seeds is a spread of the claims' numbers.</summary>
    public static CamEvaluationOptions Options(string architecture, Profile profile, int seed) => seed == 0
        ? Options(architecture, profile)
        : Options(architecture, profile) with { Methods = [(CamMethod.GradCam, null)] };

    /// <summary>The cache key of an evaluation: the checkpoint (its info file's text), the options and, on real data, the data.
    /// Seed 0's key is the one the study always used; seed k &gt; 0 adds the seed.</summary>
    public static object CacheKey(string architecture, Profile profile, StudyData data, string checkpointInfo, int seed = 0)
    {
        var options = Options(architecture, profile, seed);
        var config = new
        {
            version = FormatVersion,
            checkpoint = StepCache.Hash(checkpointInfo),
            methods = options.Methods.Select(m => $"{m.Method}/{m.Weighting}").ToArray(),
            options.Split, options.MaxClips, options.DeletionClips, options.SanityClips, options.Layer,
        };
        object key = data.IsSynthetic ? config : new { config, data = data.ActionsIdentity(profile) };
        return seed == 0 ? key : new { key, seed };
    }

    /// <summary>A plain-text table: one line per model and method.</summary>
    public static string Table(IEnumerable<CamEvaluation> evaluations)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"model",-20} {"method",-16} {"weighting",-13} {"pointing",8} {"energy",7} {"tAUC",6} {"del↓",6} {"ins↑",6} {"sanity",7} {"other-E",8}");
        foreach (var e in evaluations)
            foreach (var m in e.Methods)
                sb.AppendLine($"{e.Architecture,-20} {m.Method,-16} {m.Weighting,-13} {m.PointingGame,8:0.00} {m.EnergyInMask,7:0.000} {m.TemporalAuc,6:0.00} {m.DeletionAuc,6:0.00} {m.InsertionAuc,6:0.00} {(m.SanityPassed ? "pass" : "FAIL"),7} {m.OtherClassEnergyInMask,8:0.000}");
        return sb.ToString();
    }
}
