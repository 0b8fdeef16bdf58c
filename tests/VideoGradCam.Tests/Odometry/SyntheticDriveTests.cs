using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Metrics;

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

    /// <summary>The part of a step across the camera's new heading: zero when the camera moves where it
    /// points.</summary>
    static double Across((double Lateral, double Forward, double Yaw) s) =>
        s.Lateral * Math.Cos(s.Yaw) - s.Forward * Math.Sin(s.Yaw);

    [Fact]
    public void WithoutSwayTheCameraMovesAlongItsHeading()
    {
        Assert.All(Steps(Small with { Sway = 0 }),
            s => Assert.True(Math.Abs(Across(s)) < 1e-4, $"slid {Across(s)} m sideways"));
        // the default drive is a car's
        Assert.All(Steps(Small), s => Assert.True(Math.Abs(Across(s)) < 1e-4));
        // the earlier one sways
        Assert.Contains(Steps(SyntheticOdometry.StopAndGo(Small)), s => Math.Abs(Across(s)) > 0.1 * Small.StepMetres);
    }

    [Fact]
    public void WithoutTurnsTheHeadingNeverChanges()
    {
        Assert.All(Steps(Small with { Turns = 0 }), s => Assert.True(Math.Abs(s.Yaw) < 1e-9));
        var one = Steps(Small with { Turns = 1 });
        var two = Steps(Small with { Turns = 2 });
        Assert.True(one.Max(s => Math.Abs(s.Yaw)) > 0.01);
        // the same turns, twice as sharp
        for (int i = 0; i < one.Count; i++) Assert.Equal(2 * one[i].Yaw, two[i].Yaw, 5);
    }

    [Fact]
    public void SpeedRangeBoundsTheStepAroundItsMean()
    {
        var steady = Steps(Small with { SpeedRange = 0, Turns = 0, Sway = 0 });
        Assert.All(steady,
            s => Assert.Equal(Small.StepMetres, Math.Sqrt(s.Lateral * s.Lateral + s.Forward * s.Forward), 4));
        var stopAndGo = Steps(Small with { SpeedRange = 0.85, Turns = 0, Sway = 0 }).Select(s => s.Forward).ToList();
        Assert.All(stopAndGo, f => Assert.InRange(f, 0.15 * Small.StepMetres - 1e-4, 1.85 * Small.StepMetres + 1e-4));
        Assert.True(stopAndGo.Max() > 2 * stopAndGo.Min());
    }

    [Fact]
    public void SpeedPeriodStretchesTheSpeedCycles()
    {
        // the same speed range, but within any 5 frames the stretched cycles change the speed far less
        static double WorstChangeInFourSteps(SyntheticOdometry.Options o)
        {
            var f = Steps(o with { Turns = 0, Sway = 0, Frames = 120 }).Select(s => s.Forward).ToList();
            return Enumerable.Range(0, f.Count - 4).Max(i => f.Skip(i).Take(5).Max() - f.Skip(i).Take(5).Min())
                / o.StepMetres;
        }
        double stopAndGo = WorstChangeInFourSteps(Small with { SpeedPeriod = 1 }),
            winding = WorstChangeInFourSteps(Small with { SpeedPeriod = 4 });
        Assert.True(winding < 0.5 * stopAndGo,
            $"speed change within 5 frames: {winding:0.00} of the step with period x4, {stopAndGo:0.00} with x1");
        Assert.True(winding > 0.05, "the speed still changes");
    }

    /// <summary>What the constant-velocity guess misses on a held-out sequence, motion by motion
    /// (<see cref="MeanMotionAnatomy"/>): on the default drive, the turns (ry), which a PoseNet can see; on the earlier
    /// stop-and-go drive, the sideways sway (tx), which at these frame sizes looks like a turn. (On the default drive
    /// tx matters too, but only through the turns: a car's step turns sideways as its heading does.)</summary>
    [Fact]
    public void OnTheDefaultDriveAConstantGuessMissesTheTurns()
    {
        static double[] Anatomy(SyntheticOdometry.Options o)
        {
            var dir = OdometryTestKit.TempDir();
            SyntheticOdometry.Write(dir, o with { Sequences = 2, Frames = 200 });
            var sequences = OdometryDatasets.Open(dir).Select(s => s.Poses!.Select(ToMatrix).ToList()).ToList();
            var steps = Enumerable.Range(0, sequences[0].Count - 1)
                .Select(i => PoseMath.RelativeVector(sequences[0][i], sequences[0][i + 1])).ToList();
            var mean = Enumerable.Range(0, 6).Select(d => steps.Average(v => v[d])).ToArray();
            var heldOut = sequences[1];
            var perSnippet = Enumerable.Range(0, heldOut.Count - 4)
                .Select(i => MeanMotionAnatomy.Snippet(heldOut.Skip(i).Take(5).ToList(), mean)).ToList();
            return MeanMotionAnatomy.Average(perSnippet).Select(r => r.Ate).ToArray();
        }
        var winding = Anatomy(Small);
        Assert.True(winding[4] > 3 * winding[2],
            $"default drive: with ry at its mean ATE {winding[4]:0.000}, with tz at its mean {winding[2]:0.000}");
        var stopAndGo = Anatomy(SyntheticOdometry.StopAndGo(Small));
        Assert.True(stopAndGo[0] > stopAndGo[4], $"stop and go: tx {stopAndGo[0]:0.000}, ry {stopAndGo[4]:0.000}");
    }

    static double[,] ToMatrix(double[] p)
    {
        var m = PoseMath.Identity();
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) m[r, c] = p[r * 4 + c];
        return m;
    }
    /// <summary>The part of each frame-to-frame flow that depends on depth (the flow of the step's translation alone:
    /// what tells near from far and lets a network judge its speed), per pixel with depth, at the profile's frame size:
    /// its median over the pixels, then over the frame pairs of a 40-frame stretch.</summary>
    static double MedianTranslationFlow(VideoGradCam.Runtime.Profile profile)
    {
        var o = SyntheticOdometry.ForProfile(profile) with { Sequences = 1, Frames = 40 };
        var dir = OdometryTestKit.TempDir();
        SyntheticOdometry.Write(dir, o);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], o.Width, o.Height);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var k = SequenceFrames.IntrinsicsTensor(seq.Intrinsics).reshape(1, 3, 3);
        var medians = new List<double>();
        foreach (var t in seq.Targets(3))
        {
            var step = seq.ReferencePoses(t, 3)[1];                                        // target -> t+1
            var translation =
                TorchSharp.torch.tensor(step.Take(3).Concat(new double[3]).Select(v => (float)v).ToArray(), [1, 6]);
            var depth = seq.Depth![t].unsqueeze(0);
            var flow = RigidFlow.Magnitude(RigidFlow.Compute(depth, translation, k))[0];
            var moving = flow.masked_select(depth[0] > 0).data<float>().ToArray();
            Array.Sort(moving);
            medians.Add(moving[moving.Length / 2]);
        }
        medians.Sort();
        return medians[medians.Count / 2];
    }

    [Theory]
    [InlineData(VideoGradCam.Runtime.Profile.Quick)]
    [InlineData(VideoGradCam.Runtime.Profile.Full)]
    public void TheDefaultDrivesParallaxIsAboveAPixelAtTheProfilesSize(VideoGradCam.Runtime.Profile profile)
    {
        double parallax = MedianTranslationFlow(profile);
        Assert.True(parallax > 1, $"median depth-dependent flow {parallax:0.00} px at {profile}");
        Console.WriteLine($"parallax at {profile}: {parallax:0.00} px");
    }
}
