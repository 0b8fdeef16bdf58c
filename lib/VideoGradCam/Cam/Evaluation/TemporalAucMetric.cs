using VideoGradCam.Cam.Metrics;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>Temporal AUC: how well per-frame importance ranks the ground-truth relevant frames (ROC AUC, mean over
/// clips), for the map's energy per frame and for the gradient-norm importance curve.</summary>
public sealed class TemporalAucMetric : ICamMetric
{
    public static readonly ScoreInfo Score = new("TemporalAuc", "temporal AUC",
        "ROC AUC of per-frame map energy against the relevant frames (mean over clips)");
    public static readonly ScoreInfo GradientScore = new("GradientTemporalAuc", "gradient-norm tAUC",
        "ROC AUC of the gradient-norm importance curve against the relevant frames");

    readonly List<double[]> _importance = [], _gradient = [];

    public IReadOnlyList<ScoreInfo> Scores => [Score, GradientScore];

    public void Add(CamBatch batch)
    {
        _importance.AddRange(batch.Importance.Energy);
        _gradient.AddRange(batch.Importance.GradientNorm);
    }

    public IReadOnlyDictionary<string, double> Result(CamRun run) => new Dictionary<string, double>
    {
        [Score.Name] = run.Relevance.Count == 0 ? double.NaN : Auc(_importance, run.Relevance),
        [GradientScore.Name] = run.Relevance.Count == 0 ? double.NaN : Auc(_gradient, run.Relevance),
    };

    static double Auc(List<double[]> importance, IReadOnlyList<bool[]> relevance)
    {
        using var i = tensor(importance.SelectMany(r => r).ToArray()).reshape(importance.Count, importance[0].Length);
        using var r = tensor(relevance.SelectMany(x => x).ToArray()).reshape(relevance.Count, relevance[0].Length);
        return TemporalRelevance.Evaluate(i, r).Mean;
    }
}
