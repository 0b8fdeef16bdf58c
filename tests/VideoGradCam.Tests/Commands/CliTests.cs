using VideoGradCam.Commands;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;

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

    /// <summary>The recipe options the study never set are gone (environment.md, "Removed from the code"); a user who
    /// gives one is told which.</summary>
    [Theory]
    [InlineData("--initial-depth", "port")]
    [InlineData("--photometric-mean", "all")]
    [InlineData("--ssim", "0.85")]
    [InlineData("--given", "depth")]
    public void RemovedOdometryTrainingOptionsAreRefusedByName(string option, string value)
    {
        var (code, err) =
            Run("train", "--model", "sfmlearner", "--data", "/nonexistent", "--out", "/tmp/x.sfm", option, value);
        Assert.Equal(2, code);
        Assert.Contains(option, err);
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
            Assert.Equal(SfmTrainingOptions.ForProfile(VideoGradCam.Runtime.Profile.Quick).Epochs,
                history.RootElement.GetProperty("steps").GetArrayLength());
            // the study's loss and networks
            var settings = SfmLearner.ReadSettings(output);
            Assert.Equal(SfmTrainingOptions.StudyLoss, settings.Loss);
            Assert.Equal(SfmTrainingOptions.StudyForwardTranslationScale,
                settings.ForwardTranslationScale);
            Assert.Equal(1, settings.DepthWidth);
            var narrow = Path.Combine(dir, "narrow.sfm");
            Assert.Equal(0, Run("train", "--model", "sfmlearner", "--data", dir, "--out", narrow, "--width", "64",
                "--height", "24", "--epochs", "1", "--depth-width", "0.5", "--mask-loss-weight", "0.2").Code);
            var narrowSettings = SfmLearner.ReadSettings(narrow);
            Assert.Equal(0.5, narrowSettings.DepthWidth);
            Assert.Equal(0.2, narrowSettings.Loss!.Explainability);
            Assert.True(narrowSettings.Explainability);
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
    [InlineData("--depth-width", "0", "--depth-width")]
    [InlineData("--pose-lr", "0", "--pose-lr")]
    [InlineData("--sequence-length", "4", "--sequence-length")]
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
