using VideoGradCam.Odometry.Metrics;
using Xunit;

namespace VideoGradCam.Tests.Odometry;

public class SnippetSpacingTests
{
    static readonly int[] Offsets = [-2, -1, 1, 2];

    /// <summary>A snippet driven straight ahead with the given forward steps (t-2 -> t-1, t-1 -> t, t -> t+1, t+1 ->
    /// t+2): each reference's pose in the network's convention, its translation the signed distance from the
    /// target.</summary>
    static double[][] Drive(double a, double b, double c, double d, double scale = 1) =>
        new[] { -(a + b), -b, c, c + d }.Select(z => new double[] { 0, 0, -scale * z, 0, 0, 0 }).ToArray();

    static readonly double[][][] StopAndGo =
        [Drive(1, 1, 1, 1), Drive(0.5, 1, 1.5, 2), Drive(2, 1.5, 1, 0.5), Drive(1, 2, 1, 2)];

    [Fact]
    public void ATrueSpacingMatchesTheTruthAtAnyScale()
    {
        var predicted =
            StopAndGo.Select((s, i) => s.Select(v => v.Select(x => x * (i + 1) * 0.01).ToArray()).ToArray()).ToList();
        var rows = SnippetSpacing.Compute(predicted, StopAndGo, Offsets);
        Assert.Equal([-2, -1, 2], rows.Select(r => r.Offset));
        foreach (var r in rows)
        {
            Assert.Equal(r.TruthMedian, r.PredictedMedian, 9);
            Assert.Equal(1, r.Correlation!.Value, 9);
        }
        // (c+d)/c: 2, 3.5/1.5, 1.5, 3 -> between 2 and 7/3
        Assert.Equal(13.0 / 6, rows.Single(r => r.Offset == 2).TruthMedian, 9);
    }

    [Fact]
    public void AnEvenGuessHasTheMedianOfASteadyDriveAndNoCorrelation()
    {
        var even = StopAndGo.Select(_ => Drive(1, 1, 1, 1)).ToList();
        var rows = SnippetSpacing.Compute(even, StopAndGo, Offsets);
        Assert.Equal([2.0, 1.0, 2.0], rows.Select(r => r.PredictedMedian));
        Assert.All(rows, r => Assert.Null(r.Correlation));                        // a constant guess follows nothing
    }

    [Fact]
    public void ShortTwoFrameStepsShowInTheMedian()
    {
        var shortened =
            StopAndGo.Select(s => s.Select((v, j) => j == 3 ? v.Select(x => x * 0.8).ToArray() : v).ToArray()).ToList();
        var rows = SnippetSpacing.Compute(shortened, StopAndGo, Offsets);
        var far = rows.Single(r => r.Offset == 2);
        Assert.Equal(0.8 * far.TruthMedian, far.PredictedMedian, 9);
        Assert.True(far.PredictedLowerQuartile <= far.PredictedMedian
            && far.PredictedMedian <= far.PredictedUpperQuartile);
        Assert.Equal(rows.Single(r => r.Offset == -1).TruthMedian, rows.Single(r => r.Offset == -1).PredictedMedian, 9);
    }

    [Fact]
    public void SnippetsStandingStillAreLeftOut()
    {
        var truth = StopAndGo.Append(Drive(0, 0, 0, 0)).ToList();
        var rows = SnippetSpacing.Compute(truth, truth, Offsets);
        Assert.All(rows, r => Assert.True(double.IsFinite(r.PredictedMedian)));
    }

    [Fact]
    public void BadInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => SnippetSpacing.Compute(StopAndGo, StopAndGo.Take(2).ToList(), Offsets));
        Assert.Contains("t+1", Assert.Throws<ArgumentException>(
            () => SnippetSpacing.Compute(StopAndGo, StopAndGo, [-2, -1, 3, 2])).Message);
        Assert.Throws<ArgumentException>(() => SnippetSpacing.Compute(StopAndGo, StopAndGo, [-1, 1]));
    }
}
