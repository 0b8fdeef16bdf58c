using VideoGradCam.Cam;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Study;

/// <summary>The study's CAM measurements, cached: one evaluation per model and profile in artifacts/cam-eval/.</summary>
public static class CamStudyEvaluations
{
    /// <summary>Bumped when <see cref="CamEvaluation"/> gains fields, so cached evaluations are measured again.</summary>
    public const int FormatVersion = 3;

    public static string Folder(string architecture, Profile profile) =>
        Path.Combine(WorkspacePaths.Artifacts(), "cam-eval", $"{architecture}-{profile.Name()}");

    /// <summary>Measures <paramref name="options"/>' methods on a checkpoint's clips of <paramref name="dataRoot"/> (the study's
    /// split of it, the checkpoint's own sampling): <see cref="CamEvaluator.Evaluate"/> on a loaded model.</summary>
    public static CamEvaluation Evaluate(string checkpoint, string dataRoot, CamEvaluationOptions options)
    {
        var loaded = Checkpoint.Load(checkpoint);
        using var model = loaded.Model;
        var items = ClassifierStudy.Split(VideoDataset.FromFolders(dataRoot))[options.Split].Items;
        if (items.Count == 0) throw new InvalidDataException($"{dataRoot}: no clips in the '{options.Split}' split.");
        return CamEvaluator.Evaluate(model, checkpoint, loaded.Info.ClassNames, items, ClassifierStudy.Sampler(loaded.Info.Data), options);
    }

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
            (dir, _) => Evaluate(checkpoint, dataRoot, options).Save(Path.Combine(dir, "evaluation.json")), force);
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

    /// <summary>A plain-text table: one line per model and method, a column per score (<see cref="CamMetrics.Scores"/>).</summary>
    public static string Table(IEnumerable<CamEvaluation> evaluations)
    {
        var scores = CamMetrics.Scores;
        string Cell(string text, ScoreInfo s) => text.PadLeft(Math.Max(7, s.Header.Length + (s.LowerIsBetter ? 2 : 0)));
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"model",-20} {"method",-16} {"weighting",-13} " + string.Join(" ", scores.Select(s => Cell(s.Header + (s.LowerIsBetter ? " ↓" : ""), s))));
        foreach (var e in evaluations)
            foreach (var m in e.Methods)
                sb.AppendLine($"{e.Architecture,-20} {m.Method,-16} {m.Weighting,-13} " + string.Join(" ", scores.Select(s => Cell(s.Print(m[s]), s))));
        return sb.ToString();
    }
}
