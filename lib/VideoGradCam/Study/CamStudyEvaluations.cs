using VideoGradCam.Cam;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Study;

/// <summary>The study's CAM measurements, cached: one evaluation per model and profile in
/// artifacts/cam-eval/.</summary>
public static class CamStudyEvaluations
{
    /// <summary>Study seed <paramref name="seed"/>'s evaluation folder: <c>cam-eval/&lt;arch&gt;-&lt;profile&gt;</c>
    /// for seed 0, <c>cam-eval/&lt;arch&gt;-&lt;profile&gt;-seed&lt;k&gt;</c> for seed k &gt; 0.</summary>
    public static string Folder(string architecture, Profile profile, int seed = 0) =>
        Path.Combine(WorkspacePaths.Artifacts(), "cam-eval", $"{architecture}-{profile.Name()}")
            + ClassifierStudy.SeedSuffix(seed);

    /// <summary>Measures <paramref name="options"/>' methods on a checkpoint's clips of <paramref name="dataRoot"/>
    /// (the study's split of it, the checkpoint's own sampling): <see cref="CamEvaluator.Evaluate"/> on a loaded
    /// model.</summary>
    public static CamEvaluation Evaluate(string checkpoint, string dataRoot, CamEvaluationOptions options)
    {
        var loaded = Checkpoint.Load(checkpoint);
        using var model = loaded.Model;
        var items = ClassifierStudy.Split(VideoDataset.FromFolders(dataRoot))[options.Split].Items;
        if (items.Count == 0) throw new InvalidDataException($"{dataRoot}: no clips in the '{options.Split}' split.");
        return CamEvaluator.Evaluate(model, checkpoint, loaded.Info.ClassNames, items,
            ClassifierStudy.Sampler(loaded.Info.Data), options);
    }

    /// <summary>One metric of every method, a bar series per model (<see cref="Plots.CamMetricPlot"/>).</summary>
    public static Plotly.NET.GenericChart MetricBars(this IReadOnlyList<CamEvaluation> evaluations, string metric,
        Func<MethodScores, double> value, double? reference = null) =>
        Plots.CamMetricPlot.Bars(evaluations.Select(e => (e.Architecture,
            (IReadOnlyList<(string, double)>)e.Methods.Select(m => ($"{m.Method} ({m.Weighting})", value(m))).ToList()))
                .ToList(), metric, reference);

    /// <summary>Evaluates every method on the model's test clips (training it first if needed:
    /// <see cref="ClassifierStudy.EnsureTrained"/>); reused while the checkpoint and the options are unchanged. On data
    /// without ground truth only the metrics that need none are measured. Study seed k &gt; 0 measures its own
    /// checkpoint on the same clips, in its own folder.</summary>
    public static CamEvaluation Ensure(string architecture, StudyRun run)
    {
        var checkpoint = ClassifierStudy.EnsureTrained(architecture, run);
        var dataRoot = run.Actions.EnsureActions(run.Profile);
        var options = Options(architecture, run.Profile, run.Seed);
        var folder = Folder(architecture, run.Profile, run.Seed);
        var key = CacheKey(architecture, run, File.ReadAllText(Path.Combine(checkpoint, Checkpoint.InfoFile)));
        StepCache.Ensure(folder, run.Seed == 0 ? $"evaluate-cam {architecture}"
            : $"evaluate-cam {architecture} (seed {run.Seed})", key,
            (dir, _) => Evaluate(checkpoint, dataRoot, options).Save(Path.Combine(dir, "evaluation.json")), run.Force);
        return CamEvaluation.Load(Path.Combine(folder, "evaluation.json"));
    }

    /// <summary>What the study measures on a model: every method (<see cref="CamEvaluationOptions.Study"/>) at its CAM
    /// layer for seed 0; an extra seed measures only what the claims read (Grad-CAM with the default weighting, and the
    /// attention weights), about a seventh of seed 0's evaluation: the spread over seeds is a spread of the claims'
    /// numbers.</summary>
    public static CamEvaluationOptions Options(string architecture, Profile profile, int seed = 0)
    {
        var options =
            CamEvaluationOptions.Study(profile) with { Layer = ClassifierSettings.For(architecture, profile).CamLayer };
        return ClassifierStudy.CheckSeed(seed) == 0 ? options : options with { Methods = [(CamMethod.GradCam, null)] };
    }

    /// <summary>The cache key of an evaluation: the checkpoint (its info file's text), the options, the code that
    /// measures (<see cref="StepCache.CodeKey"/>) and, on real data, the data. Seed k &gt; 0 adds the seed; seed 0's
    /// key names none.</summary>
    public static object CacheKey(string architecture, StudyRun run, string checkpointInfo)
    {
        var options = Options(architecture, run.Profile, run.Seed);
        var config = StepCache.CodeKey(new
        {
            checkpoint = StepCache.Hash(checkpointInfo),
            methods = options.Methods.Select(m => $"{m.Method}/{m.Weighting}").ToArray(),
            options.Split, options.MaxClips, options.DeletionClips, options.SanityClips, options.Layer,
        });
        object key = run.Actions.IsSynthetic ? config : new { config, data = run.Actions.ActionsIdentity(run.Profile) };
        return run.Seed == 0 ? key : new { key, seed = run.Seed };
    }

    /// <summary>A plain-text table: one line per model and method, a column per score
    /// (<see cref="CamMetrics.Scores"/>).</summary>
    public static string Table(IEnumerable<CamEvaluation> evaluations)
    {
        var scores = CamMetrics.Scores;
        string Cell(string text, ScoreInfo s) => text.PadLeft(Math.Max(7, s.Header.Length + (s.LowerIsBetter ? 2 : 0)));
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{"model",-20} {"method",-16} {"weighting",-13} "
            + string.Join(" ", scores.Select(s => Cell(s.Header + (s.LowerIsBetter ? " ↓" : ""), s))));
        foreach (var e in evaluations)
            foreach (var m in e.Methods)
                sb.AppendLine($"{e.Architecture,-20} {m.Method,-16} {m.Weighting,-13} "
                    + string.Join(" ", scores.Select(s => Cell(s.Print(m[s]), s))));
        return sb.ToString();
    }
}
