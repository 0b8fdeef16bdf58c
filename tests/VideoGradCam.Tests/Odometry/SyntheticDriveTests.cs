using VideoGradCam.Odometry;

namespace VideoGradCam.Tests.Odometry;

/// <summary>The synthetic drive's options do what they say: read back from the written poses.</summary>
public class SyntheticDriveTests
{
    /// <summary>Each frame-to-frame step in the earlier camera's frame: (sideways, forward, yaw change).</summary>
    static List<(double Lateral, double Forward, double Yaw)> Steps(SyntheticOdometry.Options o)
    {
        var dir = OdometryTestKit.TempDir();
        SyntheticOdometry.Write(dir, o);
        var p = OdometryDatasets.Open(dir)[0].Poses!;
        var steps = new List<(double, double, double)>();
        for (int i = 0; i + 1 < p.Count; i++)
        {
            double yaw0 = Math.Atan2(p[i][2], p[i][0]), yaw1 = Math.Atan2(p[i + 1][2], p[i + 1][0]);
            double dx = p[i + 1][3] - p[i][3], dz = p[i + 1][11] - p[i][11], c = Math.Cos(yaw0), s = Math.Sin(yaw0);
            steps.Add((c * dx - s * dz, s * dx + c * dz, yaw1 - yaw0));
        }
        return steps;
    }

    static readonly SyntheticOdometry.Options Small = new(Sequences: 1, Frames: 40, Width: 16, Height: 16, Seed: 5);

    /// <summary>The part of a step across the camera's new heading: zero when the camera moves where it points.</summary>
    static double Across((double Lateral, double Forward, double Yaw) s) => s.Lateral * Math.Cos(s.Yaw) - s.Forward * Math.Sin(s.Yaw);

    [Fact]
    public void WithoutSwayTheCameraMovesAlongItsHeading()
    {
        Assert.All(Steps(Small with { Sway = 0 }), s => Assert.True(Math.Abs(Across(s)) < 1e-4, $"slid {Across(s)} m sideways"));
        Assert.Contains(Steps(Small), s => Math.Abs(Across(s)) > 0.1 * Small.StepMetres);   // the default sways
    }

    [Fact]
    public void WithoutTurnsTheHeadingNeverChanges()
    {
        Assert.All(Steps(Small with { Turns = 0 }), s => Assert.True(Math.Abs(s.Yaw) < 1e-9));
        var one = Steps(Small);
        var two = Steps(Small with { Turns = 2 });
        Assert.True(one.Max(s => Math.Abs(s.Yaw)) > 0.01);
        for (int i = 0; i < one.Count; i++) Assert.Equal(2 * one[i].Yaw, two[i].Yaw, 5);   // the same turns, twice as sharp
    }

    [Fact]
    public void SpeedRangeBoundsTheStepAroundItsMean()
    {
        var steady = Steps(Small with { SpeedRange = 0, Turns = 0, Sway = 0 });
        Assert.All(steady, s => Assert.Equal(Small.StepMetres, Math.Sqrt(s.Lateral * s.Lateral + s.Forward * s.Forward), 4));
        var stopAndGo = Steps(Small with { Turns = 0, Sway = 0 }).Select(s => s.Forward).ToList();
        Assert.All(stopAndGo, f => Assert.InRange(f, 0.15 * Small.StepMetres - 1e-4, 1.85 * Small.StepMetres + 1e-4));
        Assert.True(stopAndGo.Max() > 2 * stopAndGo.Min());
    }
}
