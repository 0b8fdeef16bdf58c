using VideoGradCam.Odometry.Metrics;

namespace VideoGradCam.Tests.Odometry;

public class SnippetSpreadTests
{
    [Fact]
    public void MeanSdAndMedianCoverTheFiniteValuesOnly()
    {
        var s = SnippetSpread.Of([1.5, 0.5, 2.5, double.NaN, double.PositiveInfinity]);
        Assert.Equal(3, s.N);
        Assert.Equal(1.5, s.Mean, 12);
        Assert.Equal(1.0, s.Sd, 12);                                        // sqrt((0 + 1 + 1) / 2)
        Assert.Equal(1.5, s.Median, 12);
        Assert.Equal(2, s.Above);
        Assert.Equal("1.50 ± 1.00 (median 1.50, n = 3)", s.Format());
        Assert.Equal("—", SnippetSpread.Of([double.NaN]).Format());
        Assert.Equal("0.70 (n = 1)", SnippetSpread.Of([0.7]).Format());
    }

    [Fact]
    public void OneExplodingRatioSwingsTheMeanButNotTheMedian()
    {
        // a control that barely moved the loss: its ratio is -165, as one snippet of the quick run gave
        var s = SnippetSpread.Of([2.0, 2.1, 1.9, -165.5]);
        Assert.True(s.Mean < 0);
        Assert.Equal(1.95, s.Median, 12);
        Assert.Equal(3, s.Above);
    }
}
