using VideoGradCam.Cam.Metrics;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>Energy in mask: the mean share of map energy inside the evidence mask, over relevant frames.</summary>
public sealed class EnergyInMaskMetric : ICamMetric
{
    public static readonly ScoreInfo Score = new("EnergyInMask", "energy in mask",
        "mean share of map energy inside the evidence mask, relevant frames", Format: "0.000");

    double _energy;
    int _frames;

    public IReadOnlyList<ScoreInfo> Scores => [Score];

    public void Add(CamBatch batch)
    {
        if (batch.Truth is not { } truth) return;
        var result = EnergyPointingGame.Evaluate(batch.Maps, truth.Masks, truth.Relevant);
        if (result.Frames == 0) return;
        _energy += result.MeanShare * result.Frames;
        _frames += result.Frames;
    }

    public IReadOnlyDictionary<string, double> Result(CamRun run) =>
        new Dictionary<string, double> { [Score.Name] = _frames == 0 ? double.NaN : _energy / _frames };
}
