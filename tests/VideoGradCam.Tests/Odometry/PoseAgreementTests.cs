using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Metrics;

namespace VideoGradCam.Tests.Odometry;

public class PoseAgreementTests
{
    /// <summary>A drive: varying speed (tz), a sideways slide (tx), turns (ry); no vertical motion, pitch or
    /// roll.</summary>
    static List<double[]> Drive(int n) => Enumerable.Range(0, n)
        .Select(i => new[] { 0.1 * Math.Sin(i * 0.7), 0, -(0.4 + 0.2 * Math.Sin(i * 0.3)), 0, 0.03 * Math.Cos(i * 0.5),
            0 }).ToList();

    static DofAgreement Dof(PoseAgreement a, string name) => a.Dofs.Single(d => d.Dof == name);

    [Fact]
    public void ThePerfectPredictionAgreesEverywhereTheTruthMoves()
    {
        var truth = Drive(40);
        var a = PoseAgreement.Compute(truth, truth);
        Assert.Equal(PoseMath.DofNames, a.Dofs.Select(d => d.Dof));
        foreach (var name in new[] { "tx", "tz", "ry" }) Assert.Equal(1, Dof(a, name).Correlation!.Value, 9);
        // the truth does not vary
        foreach (var name in new[] { "ty", "rx", "rz" }) Assert.Null(Dof(a, name).Correlation);
        Assert.Equal(0, a.TranslationDirectionErrorDegrees!.Value, 6);
        Assert.Equal(40, a.Pairs);
    }

    [Fact]
    public void TranslationAgreesUpToScaleAndTheSpreadShowsTheScale()
    {
        var truth = Drive(40);
        var quarter = truth.Select(v => new[] { 0.25 * v[0], 0.25 * v[1], 0.25 * v[2], v[3], v[4], v[5] }).ToList();
        var a = PoseAgreement.Compute(truth, quarter);
        Assert.Equal(1, Dof(a, "tz").Correlation!.Value, 9);
        Assert.Equal(0.25, Dof(a, "tz").PredictedStd / Dof(a, "tz").TruthStd, 9);
        Assert.Equal(0, a.TranslationDirectionErrorDegrees!.Value, 6);
    }

    [Fact]
    public void AMissedSlideShowsAsAFlatPredictionAndADirectionError()
    {
        var truth = Drive(40);
        var noSlide = truth.Select(v => new[] { 0, v[1], v[2], v[3], v[4], v[5] }).ToList();
        var a = PoseAgreement.Compute(truth, noSlide);
        Assert.Null(Dof(a, "tx").Correlation);
        Assert.Equal(0, Dof(a, "tx").PredictedStd);
        Assert.Equal(1, Dof(a, "ry").Correlation!.Value, 9);
        // the mean of atan(|tx| / |tz|) over the drive
        double expected = truth.Average(v => Math.Atan2(Math.Abs(v[0]), Math.Abs(v[2]))) * 180 / Math.PI;
        Assert.Equal(expected, a.TranslationDirectionErrorDegrees!.Value, 6);
        Assert.True(expected > 5);
    }

    [Fact]
    public void ARotationTheWrongWayCorrelatesNegatively()
    {
        var truth = Drive(40);
        var mirrored = truth.Select(v => new[] { v[0], v[1], v[2], v[3], -v[4], v[5] }).ToList();
        Assert.Equal(-1, Dof(PoseAgreement.Compute(truth, mirrored), "ry").Correlation!.Value, 9);
    }

    [Fact]
    public void StandingStillIsLeftOutOfTheDirectionError()
    {
        var still = Enumerable.Range(0, 5).Select(_ => new double[6]).ToList();
        var a = PoseAgreement.Compute(still, Drive(5));
        Assert.Null(a.TranslationDirectionErrorDegrees);
        Assert.All(a.Dofs, d => Assert.Null(d.Correlation));
    }

    [Fact]
    public void MismatchedInputsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => PoseAgreement.Compute(Drive(4), Drive(3)));
        Assert.Contains("as many", e.Message);
        Assert.Throws<ArgumentException>(() => PoseAgreement.Compute([new double[5]], [new double[5]]));
    }
}
