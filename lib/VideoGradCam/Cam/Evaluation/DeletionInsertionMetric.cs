using VideoGradCam.Cam.Metrics;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>RISE deletion and insertion AUCs of the true class's probability, on the first
/// <see cref="CamEvaluationOptions.DeletionClips"/> clips (16 forward passes per clip and curve); needs no ground
/// truth.</summary>
public sealed class DeletionInsertionMetric : ICamMetric
{
    public static readonly ScoreInfo Deletion = new("DeletionAuc", "deletion",
        "RISE deletion AUC of the target's probability (lower is better)", LowerIsBetter: true);
    public static readonly ScoreInfo Insertion = new("InsertionAuc", "insertion",
        "RISE insertion AUC of the target's probability (higher is better)");

    readonly List<double> _deletion = [], _insertion = [];

    public IReadOnlyList<ScoreInfo> Scores => [Deletion, Insertion];

    public void Add(CamBatch batch)
    {
        int scored = Math.Min(batch.Count, Math.Max(0, batch.Run.Options.DeletionClips - batch.Start));
        if (scored == 0) return;
        var result = DeletionInsertion.Evaluate((perturbed, b) =>
        {
            using var _ = no_grad();
            return batch.Run.Model.forward(perturbed.to(ComputeDevice.Default))
                .softmax(1)[.., batch.Run.Labels[batch.Start + b]].cpu();
        }, batch.Clips[..scored].cpu(), batch.Maps[..scored]);
        _deletion.AddRange(result.DeletionAuc);
        _insertion.AddRange(result.InsertionAuc);
    }

    public IReadOnlyDictionary<string, double> Result(CamRun run) => new Dictionary<string, double>
    {
        [Deletion.Name] = _deletion.Count == 0 ? double.NaN : _deletion.Average(),
        [Insertion.Name] = _insertion.Count == 0 ? double.NaN : _insertion.Average(),
    };
}
