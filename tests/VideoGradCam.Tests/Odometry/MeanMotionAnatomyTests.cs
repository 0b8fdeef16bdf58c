using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Metrics;

namespace VideoGradCam.Tests.Odometry;

public class MeanMotionAnatomyTests
{
    static readonly double[] MeanStep = [0, 0, 0.4, 0, 0.01, 0];

    /// <summary>Poses chained from steps that equal the mean except where <paramref name="change"/> says.</summary>
    static List<double[,]> Drive(int frames, Action<int, double[]> change)
    {
        var poses = new List<double[,]> { PoseMath.Identity() };
        for (int i = 0; i + 1 < frames; i++)
        {
            var v = (double[])MeanStep.Clone();
            change(i, v);
            poses.Add(PoseMath.Mul(poses[^1], PoseMath.FromVector(v)));
        }
        return poses;
    }

    static double MeanMotionAte(List<double[,]> poses) => OdometryMetrics.SnippetAte(PoseMath.RelativeToFirst(poses),
        Enumerable.Range(0, poses.Count).Select(j => PoseMath.Power(PoseMath.FromVector(MeanStep), j)).ToList());

    [Fact]
    public void ADriveAtTheMeanMotionLosesNothingAnywhere()
    {
        Assert.All(MeanMotionAnatomy.Snippet(Drive(5, (_, _) => { }), MeanStep), a => Assert.Equal(0, a, 9));
    }

    [Fact]
    public void OnlyTheMotionThatDepartsFromTheMeanIsMissed()
    {
        var swaying = Drive(5, (i, v) => v[0] = i % 2 == 0 ? 0.15 : -0.1);   // a sideways sway, the rest at the mean
        var a = MeanMotionAnatomy.Snippet(swaying, MeanStep);
        Assert.True(a[0] > 0.01);
        // setting the sway to its mean leaves the mean motion itself: the baseline's whole error
        Assert.Equal(MeanMotionAte(swaying), a[0], 9);
        foreach (var d in new[] { 1, 2, 3, 4, 5 }) Assert.Equal(0, a[d], 9);
    }

    [Fact]
    public void StopAndGoIsMissedInTzAndTurnsInRy()
    {
        var stopAndGo = MeanMotionAnatomy.Snippet(Drive(5, (i, v) => v[2] = i < 2 ? 0.1 : 0.7), MeanStep);
        Assert.True(stopAndGo[2] > 0.01);
        Assert.Equal(0, stopAndGo[4], 9);
        var turning = MeanMotionAnatomy.Snippet(Drive(5, (i, v) => v[4] = 0.15), MeanStep);
        Assert.True(turning[4] > 0.01);
        Assert.Equal(0, turning[2], 9);
    }

    [Fact]
    public void AverageNamesEachDof()
    {
        var rows = MeanMotionAnatomy.Average([[1, 2, 3, 4, 5, 6], [3, 2, 1, 0, 1, 2]]);
        Assert.Equal(PoseMath.DofNames, rows.Select(r => r.Dof));
        Assert.Equal([2, 2, 2, 2, 3, 4], rows.Select(r => r.Ate));
        Assert.Throws<ArgumentException>(() => MeanMotionAnatomy.Snippet([PoseMath.Identity()], MeanStep));
    }

    /// <summary>The network's rows for a 5-frame drive: target (frame 2) -> each reference, as SequenceFrames gives the
    /// truth.</summary>
    static double[][] Rows(List<double[,]> poses) =>
        new[] { 0, 1, 3, 4 }.Select(r => PoseMath.RelativeVector(poses[r], poses[2])).ToArray();

    [Fact]
    public void APoseNetThatIsRightLosesNothingAndCorrectingItsOneWrongMotionRemovesItsWholeError()
    {
        var drive = Drive(5, (i, v) => v[4] = 0.05 * i);                      // turning harder each frame
        var truth = Rows(drive);
        Assert.All(MeanMotionAnatomy.Corrected(drive, truth, truth), a => Assert.Equal(0, a, 9));
        // t+2 20% short
        var shortStep =
            truth.Select((row, r) => row.Select((v, c) => c == 2 && r == 3 ? v * 0.8 : v).ToArray()).ToArray();
        var own =
            OdometryMetrics.SnippetAte(PoseMath.RelativeToFirst(drive), PoseMath.SnippetPosesFromNetwork(shortStep));
        var corrected = MeanMotionAnatomy.Corrected(drive, truth, shortStep);
        Assert.True(own > 0.005, $"the short step costs {own}");
        Assert.Equal(0, corrected[2], 9);                                     // tz set to the truth: nothing left
        foreach (var d in new[] { 0, 1, 3, 4, 5 }) Assert.Equal(own, corrected[d], 9);
    }
}
