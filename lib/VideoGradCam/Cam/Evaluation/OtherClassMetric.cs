using VideoGradCam.Cam.Metrics;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>Grad-CAM for another class (the most probable wrong one): how much of its map lies on the true class's
/// evidence, and how alike it is to the true class's map.</summary>
public sealed class OtherClassMetric : ICamMetric
{
    public static readonly ScoreInfo Energy = new("OtherClassEnergyInMask", "other-class energy",
        "energy of the other class's map inside the true class's evidence mask", Format: "0.000");
    public static readonly ScoreInfo Spearman = new("OtherClassSpearman", "other-class ρ",
        "rank correlation between the true-class and the other-class maps");

    double _energy;
    int _frames;
    readonly List<double> _rho = [];

    public IReadOnlyList<ScoreInfo> Scores => [Energy, Spearman];

    public void Add(CamBatch batch)
    {
        if (batch.Truth is { } truth)
        {
            var result = EnergyPointingGame.Evaluate(batch.OtherMaps, truth.Masks, truth.Relevant);
            if (result.Frames > 0) { _energy += result.MeanShare * result.Frames; _frames += result.Frames; }
        }
        _rho.AddRange(Ranks.SpearmanRows(batch.Maps.flatten(1), batch.OtherMaps.flatten(1)));
    }

    public IReadOnlyDictionary<string, double> Result(CamRun run) => new Dictionary<string, double>
    {
        [Energy.Name] = _frames == 0 ? double.NaN : _energy / _frames,
        [Spearman.Name] = _rho.Count == 0 ? double.NaN
            : _rho.Where(r => !double.IsNaN(r)).DefaultIfEmpty(double.NaN).Average(),
    };
}
