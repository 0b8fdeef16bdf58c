using VideoGradCam.Cam.Metrics;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>Pointing game: the share of relevant frames whose map maximum lies in the evidence mask (15 px
/// tolerance).</summary>
public sealed class PointingGameMetric : ICamMetric
{
    public static readonly ScoreInfo Score = new("PointingGame", "pointing",
        "share of relevant frames whose map maximum lies in the evidence mask (15 px tolerance)");

    int _hits, _frames;

    public IReadOnlyList<ScoreInfo> Scores => [Score];

    public void Add(CamBatch batch)
    {
        if (batch.Truth is not { } truth) return;
        var result = PointingGame.Evaluate(batch.Maps, truth.Masks, truth.Relevant, dilated: truth.Dilated);
        _hits += result.Hits;
        _frames += result.Frames;
    }

    public IReadOnlyDictionary<string, double> Result(CamRun run) =>
        new Dictionary<string, double> { [Score.Name] = _frames == 0 ? double.NaN : _hits / (double)_frames };
}
