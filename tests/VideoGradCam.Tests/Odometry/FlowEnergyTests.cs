using VideoGradCam.Odometry.Metrics;

namespace VideoGradCam.Tests.Odometry;

public class FlowEnergyTests
{
    /// <summary>Flow growing from left to right: the right quarter of the columns moves most.</summary>
    static float[,] FlowGrowingToTheRight(int h = 4, int w = 8)
    {
        var f = new float[h, w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) f[y, x] = x + 1;
        return f;
    }

    static float[,] Map(int h, int w, Func<int, int, float> value)
    {
        var m = new float[h, w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) m[y, x] = value(y, x);
        return m;
    }

    [Fact]
    public void AMapOnTheMovingQuarterScoresFourAndAUniformMapOne()
    {
        var flow = FlowGrowingToTheRight();
        var onMoving = FlowEnergy.Of(Map(4, 8, (_, x) => x >= 6 ? 1 : 0), flow);
        Assert.Equal(0.25, onMoving.AreaShare, 9);
        Assert.Equal(1, onMoving.Share, 9);
        Assert.Equal(4, onMoving.Ratio, 9);
        Assert.Equal(1, FlowEnergy.Of(Map(4, 8, (_, _) => 0.3f), flow).Ratio, 9);
        // everywhere but where it moves
        Assert.Equal(0, FlowEnergy.Of(Map(4, 8, (_, x) => x < 6 ? 1 : 0), flow).Ratio, 9);
        // 8 on the moving pixels, 8 on the still column
        var half = FlowEnergy.Of(Map(4, 8, (_, x) => x >= 6 ? 1 : x == 0 ? 2 : 0), flow);
        Assert.Equal(2, half.Ratio, 9);
    }

    [Fact]
    public void AnEmptyMapOrAStillSceneHasNoRatio()
    {
        Assert.True(double.IsNaN(FlowEnergy.Of(new float[4, 8], FlowGrowingToTheRight()).Ratio));
        Assert.True(double.IsNaN(FlowEnergy.Of(Map(4, 8, (_, _) => 1), new float[4, 8]).Ratio));
        // pixels with zero flow never count as moving, even when fewer than a quarter move
        var flow = new float[4, 8];
        flow[0, 0] = 1;
        var r = FlowEnergy.Of(Map(4, 8, (y, x) => y == 0 && x == 0 ? 1 : 0), flow);
        Assert.Equal(1.0 / 32, r.AreaShare, 9);
        Assert.Equal(32, r.Ratio, 9);
        Assert.Throws<ArgumentException>(() => FlowEnergy.Of(new float[4, 8], new float[4, 7]));
        Assert.Throws<ArgumentException>(() => FlowEnergy.Of(Map(4, 8, (_, _) => -1), FlowGrowingToTheRight()));
    }
}
