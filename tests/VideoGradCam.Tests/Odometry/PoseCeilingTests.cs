using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Training;
using Xunit;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class PoseCeilingTests
{
    static List<SequenceFrames> LoadAll(string data, int width = 64, int height = 24) =>
        OdometryDatasets.Open(data).Select(s => SequenceFrames.Load(s, width, height)).ToList();

    [Fact]
    public void LabelsAreThePosesThatWarpEachReferenceOntoTheTarget()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 1, frames: 9, width: 96, height: 32);
        using var seq = LoadAll(data, 96, 32)[0];
        foreach (int t in new[] { 2, 4, 6 })
        {
            using var scope = NewDisposeScope();
            var snippet = seq.Snippet([t], 5);
            var depth = seq.Depth![t].unsqueeze(0);
            depth = depth.masked_fill(depth <= 0, 1000f).unsqueeze(1);   // sky: far away
            var labels = PoseCeiling.Labels(seq, [t], 5);
            Assert.Equal(new long[] { 1, 4, 6 }, labels.shape);
            double Error(Tensor pose) => ViewSynthesisLoss.ErrorMap(snippet.Target, snippet.References,
                snippet.Intrinsics, depth, pose).mean().item<float>();
            double truth = Error(labels), still = Error(zeros_like(labels)), reversed = Error(-labels);
            Assert.True(truth < 0.85 * still,
                $"target {t}: error with the labels {truth:0.0000}, standing still {still:0.0000}");
            Assert.True(truth < 0.85 * reversed,
                $"target {t}: error with the labels {truth:0.0000}, reversed {reversed:0.0000}");
        }
    }

    [Fact]
    public void LabelScaleIsEachMotionsSpreadFlooredForMotionsTheDriveNeverMakes()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 1, frames: 12);
        using var seq = LoadAll(data)[0];
        var scale = PoseCeiling.LabelScale([seq], 3);
        var tz = seq.Targets(3).SelectMany(t => SequenceFrames.ReferencesOf(t, 3)
            .Select(r => PoseMath.RelativeVector(seq.Poses![r], seq.Poses[t])[2])).ToList();
        double mean = tz.Average(), sd = Math.Sqrt(tz.Average(v => (v - mean) * (v - mean)));
        // forward and backward references: a wide spread
        Assert.True(sd > PoseCeiling.ScaleFloor);
        Assert.Equal(sd, scale[2], 4);
        // ty, rx, rz: a flat drive
        foreach (int flat in new[] { 1, 3, 5 }) Assert.Equal(PoseCeiling.ScaleFloor, scale[flat]);
    }

    [Fact]
    public void TheCeilingFitsTheTrueMotionAndReportsItBesideBothBaselines()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 2, frames: 12);
        var all = LoadAll(data);
        try
        {
            var o = new PoseCeilingOptions(Epochs: 30, BatchSize: 2, LearningRate: 2e-3, SequenceLength: 3);
            var r = PoseCeiling.Run([all[0]], [all[1]], o);
            Assert.Equal(30 * 5, r.Steps);                                 // 10 targets of 3 frames, batches of 2
            Assert.Equal(30, r.EpochMeans.Count);
            // epochs of 5 steps are noisy
            double first = r.EpochMeans.Take(3).Average(), last = r.EpochMeans.TakeLast(3).Average();
            Assert.True(last < 0.75 * first,
                $"epoch-mean loss {string.Join(", ", r.EpochMeans.Select(m => m.ToString("0.000")))}");
            Assert.Equal([PoseCeiling.Method, "zero motion", "mean training motion"],
                r.HeldOutAte.Select(x => x.Method));
            Assert.Equal([PoseCeiling.Method, "zero motion", "mean training motion"],
                r.Training.Ate.Select(x => x.Method));
            Assert.Equal("00", r.Training.Sequence);
            Assert.Equal(10, r.HeldOutAte[0].Snippets);
            Assert.True(double.IsFinite(r.Ate) && r.Ate >= 0);
            Assert.Equal(r.HeldOutAte[2].Mean, r.MeanMotionAte);
            Assert.NotNull(r.HeldOutAgreement);
            Assert.NotNull(r.Training.Agreement);
            Assert.Equal(-1, Assert.Single(r.HeldOutSpacing!).Offset);            // 3-frame snippets: t-1 against t+1
        }
        finally { foreach (var s in all) s.Dispose(); }
    }

    [Fact]
    public void ASequenceWithoutPosesIsRefusedByName()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 2, frames: 8);
        File.Delete(Path.Combine(data, "poses", "01.txt"));
        var all = LoadAll(data);
        try
        {
            var e = Assert.Throws<InvalidDataException>(
                () => PoseCeiling.Run([all[0]], [all[1]], new PoseCeilingOptions(Epochs: 1)));
            Assert.Contains("Sequence 01", e.Message);
            Assert.Contains("poses", e.Message);
        }
        finally { foreach (var s in all) s.Dispose(); }
    }

    static (int Code, string Err) Cli(params string[] argv)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { return (VideoGradCam.Commands.Cli.Run(argv, new StringWriter()), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--sequence-length", "4", "--sequence-length")]
    [InlineData("--lr", "-1", "--lr")]
    public void BadCeilingOptionsAreNamed(string option, string value, string expected)
    {
        var (code, err) = Cli("pose-ceiling", "--data", "/nonexistent", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void TheCommandWritesItsResult()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 2, frames: 8);
        var output = Path.Combine(OdometryTestKit.TempDir(), "ceiling.json");
        var (code, err) = Cli("pose-ceiling", "--data", data, "--epochs", "1", "--sequence-length", "3",
            "--width", "64", "--height", "24", "--out", output);
        Assert.True(code == 0, err);
        var json = File.ReadAllText(output);
        Assert.Contains("held_out_ate", json);
        Assert.Contains(PoseCeiling.Method, json);
        Assert.Equal([output], Directory.GetFiles(Path.GetDirectoryName(output)!));   // no temp file left
    }
}
