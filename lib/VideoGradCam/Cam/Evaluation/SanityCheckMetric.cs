using VideoGradCam.Cam.Metrics;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>Sanity check (Adebayo et al. 2018): cascading model randomisation from the top on the first
/// <see cref="CamEvaluationOptions.SanityClips"/> clips; the maps must change once every layer is randomised (the
/// cascade's last step, the one the score reads). Runs once, after every batch.</summary>
public sealed class SanityCheckMetric : ICamMetric
{
    public static readonly ScoreInfo Passed = new("SanityPassed", "sanity",
        "the maps change when the model's layers are randomised from the top", IsPassFail: true);
    public static readonly ScoreInfo FinalSpearman = new("SanityFinalSpearman", "sanity final ρ",
        "rank correlation with the original maps once every layer is randomised");

    public IReadOnlyList<ScoreInfo> Scores => [Passed, FinalSpearman];

    public IReadOnlyDictionary<string, double> Result(CamRun run)
    {
        using var scope = NewDisposeScope();
        int k = Math.Min(run.Options.SanityClips, run.Clips.Count);
        var batch = stack(run.Clips.Take(k)).to(ComputeDevice.Default);
        var targets = Enumerable.Range(0, k).Select(i => (ICamTarget)new ClassTarget(run.Labels[i])).ToList();
        var sanity = ModelRandomisation.Run(run.Engine, run.Model, batch, targets, run.Layer, everyStep: false);
        return new Dictionary<string, double>
        {
            [Passed.Name] = sanity.Passed ? 1 : 0,
            [FinalSpearman.Name] = sanity.Steps.Count == 0 ? double.NaN : sanity.Steps[^1].Spearman,
        };
    }
}
