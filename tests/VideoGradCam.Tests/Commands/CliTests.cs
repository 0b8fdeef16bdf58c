using VideoGradCam.Commands;

namespace VideoGradCam.Tests.Commands;

public class CliTests
{
    static (int Code, string Err) Run(params string[] argv)
    {
        var err = new StringWriter();
        return (Cli.Run(argv, new StringWriter(), err), err.ToString());
    }

    [Fact]
    public void UnknownVerbPrintsUsageAndFails()
    {
        var (code, err) = Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("'frobnicate'", err);
        Assert.Contains("./workspace --help", err);
    }

    [Fact]
    public void UnknownProfilePrintsUsageAndFails()
    {
        var (code, err) = Run("reproduce", "--profile", "medium");
        Assert.Equal(2, code);
        Assert.Contains("Unknown profile 'medium'", err);
        Assert.Contains("./workspace reproduce --help", err);
    }

    [Fact]
    public void MisspelledOptionIsReported()
    {
        var (code, err) = Run("notebooks", "--profle", "quick");
        Assert.Equal(2, code);
        Assert.Contains("--profle", err);
    }

    [Fact]
    public void NoVerbPrintsUsageAndFails() => Assert.Equal(2, Run().Code);

    [Theory]
    [InlineData(0.354, "+0.35")]
    [InlineData(-0.09, "-0.09")]
    [InlineData(-0.001, "0.00")]     // rounds to zero: no "-+0.00"
    [InlineData(null, "-")]
    public void CorrelationsArePrintedWithTheirSign(double? value, string expected) =>
        Assert.Equal(expected, OdometryCommands.Signed(value));

    [Theory]
    [InlineData("--initial-depth", "deep", "--initial-depth 'deep'")]
    [InlineData("--initial-depth", "500", "--initial-depth '500'")]
    [InlineData("--photometric-mean", "median", "--photometric-mean 'median'")]
    public void BadOdometryTrainingOptionsAreNamed(string option, string value, string expected)
    {
        var (code, err) =
            Run("train", "--model", "sfmlearner", "--data", "/nonexistent", "--out", "/tmp/x.sfm", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    /// <summary>Without --epochs, SfMLearner trains the study's epochs, not the classifiers' (a shared declared default
    /// once gave it 15 at full instead of 3).</summary>
    [Fact]
    public void SfmLearnerTrainsTheStudysEpochsByDefault()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cli-sfm-epochs-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, Run("synth", "odometry", "--out", dir, "--sequences", "2", "--frames", "8", "--width", "64",
                "--height", "24").Code);
            var output = Path.Combine(dir, "model.sfm");
            Assert.Equal(0, Run("train", "--model", "sfmlearner", "--data", dir, "--out", output, "--width", "64",
                "--height", "24").Code);
            var history = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output + ".history.json"));
            // one training sequence of 8 frames: 4 five-frame snippets, one batch of 4 per epoch
            Assert.Equal(VideoGradCam.Odometry.SfmTrainingOptions.ForProfile(VideoGradCam.Runtime.Profile.Quick).Epochs,
                history.RootElement.GetProperty("steps").GetArrayLength());
            // the study's loss: the port's centres
            Assert.False(VideoGradCam.Odometry.SfmLearner.ReadSettings(output).Loss!.CentredScales);
            var centred = Path.Combine(dir, "centred.sfm");
            Assert.Equal(0, Run("train", "--model", "sfmlearner", "--data", dir, "--out", centred, "--width", "64",
                "--height", "24",
                "--epochs", "1", "--scale-centres", "centred").Code);
            Assert.True(VideoGradCam.Odometry.SfmLearner.ReadSettings(centred).Loss!.CentredScales);
            // the port smooths the depth
            Assert.False(VideoGradCam.Odometry.SfmLearner.ReadSettings(output).Loss!.SmoothDisparity);
            var onDisparity = Path.Combine(dir, "disparity.sfm");
            Assert.Equal(0, Run("train", "--model", "sfmlearner", "--data", dir, "--out", onDisparity, "--width", "64",
                "--height", "24",
                "--epochs", "1", "--smooth-on", "disparity", "--reprojection", "min", "--depth-width", "0.5",
                    "--pose-width", "0.5", "--out-of-view", "unwarped").Code);
            Assert.True(VideoGradCam.Odometry.SfmLearner.ReadSettings(onDisparity).Loss!.OutOfViewAsUnwarped);
            Assert.Equal((0.5, 0.5), (VideoGradCam.Odometry.SfmLearner.ReadSettings(onDisparity).DepthWidth,
                VideoGradCam.Odometry.SfmLearner.ReadSettings(onDisparity).PoseWidth));
            Assert.True(VideoGradCam.Odometry.SfmLearner.ReadSettings(onDisparity).Loss!.SmoothDisparity);
            Assert.True(VideoGradCam.Odometry.SfmLearner.ReadSettings(onDisparity).Loss!.MinimumReprojection);
            Assert.False(VideoGradCam.Odometry.SfmLearner.ReadSettings(output).Loss!.MinimumReprojection);
            // the held-out sequence's ATE table: SfMLearner and both baselines
            var evaluation = Path.Combine(dir, "evaluation.json");
            Assert.Equal(0, Run("evaluate", "--checkpoint", output, "--data", dir, "--out", evaluation).Code);
            Assert.Equal(3, System.Text.Json.JsonDocument.Parse(File.ReadAllText(evaluation))
                .RootElement.GetProperty("ate").GetArrayLength());
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--speed-range", "1.5", "--speed-range")]
    [InlineData("--turns", "-1", "--turns")]
    [InlineData("--sway", "-0.1", "--sway")]
    [InlineData("--speed-period", "0", "--speed-period")]
    public void BadSyntheticDriveOptionsAreNamed(string option, string value, string expected)
    {
        var (code, err) =
            Run("synth", "odometry", "--out", Path.Combine(Path.GetTempPath(), "never-written"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "never-written")));
    }

    [Theory]
    [InlineData("--forward-translation-scale", "0", "--forward-translation-scale")]
    [InlineData("--pose-per-frame", "maybe", "--pose-per-frame")]
    [InlineData("--low-lr-epochs", "5", "--low-lr-epochs")]
    [InlineData("--photometric-mean", "median", "common")]
    [InlineData("--scale-centres", "middle", "--scale-centres")]
    [InlineData("--smooth-on", "flow", "--smooth-on")]
    [InlineData("--reprojection", "mean", "--reprojection")]
    [InlineData("--depth-width", "0", "--depth-width")]
    [InlineData("--out-of-view", "kept", "--out-of-view")]
    [InlineData("--near-references-epochs", "-1", "--near-references-epochs")]
    [InlineData("--depth-consistency", "-0.5", "--depth-consistency")]
    [InlineData("--pose-width", "-1", "--pose-width")]
    public void BadSfmLearnerRecipeOptionsAreNamed(string option, string value, string expected)
    {
        var output = Path.Combine(Path.GetTempPath(), "never-written-" + Guid.NewGuid().ToString("N") + ".sfm");
        var (code, err) =
            Run("train", "--model", "sfmlearner", "--data", Path.GetTempPath(), "--out", output, option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ArgsReadValuesFlagsAndPositionals()
    {
        var a = Args.FromTokens(["clip.avi", "--count", "8", "--force", "--out=dir"]);
        Assert.Equal("clip.avi", a.Positional(0, "video"));
        Assert.Equal(8, a.Int("count", 16));
        Assert.True(a.Flag("force"));
        Assert.Equal("dir", a.Required("out"));
        Assert.Throws<UsageException>(() => Args.FromTokens(["--count", "many"]).Int("count", 1));
    }
}
