using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Metrics;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class OdometryMetricsTests
{
    static double[][,] Curve(int n) => Enumerable.Range(0, n)
        .Select(i => PoseMath.FromVector([0.1 * i * i, 0.02 * i, 0.8 * i, 0, 0.05 * i, 0])).ToArray();

    [Fact]
    public void AteOfTheGroundTruthAgainstItselfIsZero()
    {
        var gt = PoseMath.RelativeToFirst(Curve(5));
        Assert.Equal(0, OdometryMetrics.SnippetAte(gt, gt), 12);
    }

    [Fact]
    public void AteIgnoresTheScaleOfTheTrajectoryButNotItsShape()
    {
        var gt = PoseMath.RelativeToFirst(Curve(5));
        var scaled = gt.Select(
            m => { var c = (double[,])m.Clone(); for (int i = 0; i < 3; i++) c[i, 3] *= 0.2; return c; }).ToList();
        Assert.Equal(0, OdometryMetrics.SnippetAte(gt, scaled), 9);
        var still = Enumerable.Range(0, 5).Select(_ => PoseMath.Identity()).ToList();
        Assert.True(OdometryMetrics.SnippetAte(gt, still) > 0.5);
    }

    [Fact]
    public void NetworkPoseConventionRecoversTheGroundTruthSnippet()
    {
        var c = Curve(5);
        // what a perfect PoseNet outputs for target 2: target -> reference transforms, references 0,1,3,4
        var rows = new[] { 0, 1, 3, 4 }.Select(r => PoseMath.RelativeVector(c[r], c[2])).ToArray();
        var predicted = PoseMath.SnippetPosesFromNetwork(rows);
        var gt = PoseMath.RelativeToFirst(c);
        Assert.Equal(0, OdometryMetrics.SnippetAte(gt, predicted), 9);
    }

    [Fact]
    public void MedianScaledDepthErrorIsZeroForAScaledPrediction()
    {
        using var scope = NewDisposeScope();
        var gt = rand(2, 6, 8) * 20 + 1;
        gt[0, 0, 0] = tensor(0f);   // unknown depth is ignored
        var (absRel, rmse, frames) = OdometryMetrics.DepthErrorSums(gt * 3, gt);
        Assert.Equal(2, frames);
        Assert.True(absRel < 1e-5 && rmse < 1e-3);
        var (worse, _, _) = OdometryMetrics.DepthErrorSums(gt.flip(2), gt);
        Assert.True(worse > 0.05);
    }
}
