using VideoGradCam.Odometry.Data;

namespace VideoGradCam.Tests.Odometry;

public class OdometryDataTests
{
    [Fact]
    public void CalibrationWithoutP2FailsNamingTheFile()
    {
        var f = Path.Combine(OdometryTestKit.TempDir(), "calib.txt");
        File.WriteAllText(f, "P0: 1 0 0 0 0 1 0 0 0 0 1 0\n");
        var e = Assert.Throws<InvalidDataException>(() => OdometryDatasets.ReadKittiCalibration(f));
        Assert.Contains(f, e.Message);
        Assert.Contains("P2", e.Message);
    }

    [Fact]
    public void CalibrationWithTooFewOrBadNumbersFails()
    {
        var f = Path.Combine(OdometryTestKit.TempDir(), "calib.txt");
        File.WriteAllText(f, "P2: 700 0 300 0 0 700 100\n");
        Assert.Contains("expected 12",
            Assert.Throws<InvalidDataException>(() => OdometryDatasets.ReadKittiCalibration(f)).Message);
        File.WriteAllText(f, "P2: 700 0 300 0 0 seven 100 0 0 0 1 0\n");
        Assert.Contains("'seven'",
            Assert.Throws<InvalidDataException>(() => OdometryDatasets.ReadKittiCalibration(f)).Message);
        File.WriteAllText(f, "P2: -700 0 300 0 0 700 100 0 0 0 1 0\n");
        Assert.Contains("focal",
            Assert.Throws<InvalidDataException>(() => OdometryDatasets.ReadKittiCalibration(f)).Message);
    }

    [Fact]
    public void KittiLayoutReadsBackIntrinsicsPosesAndDepth()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 6);
        var seq = Assert.Single(OdometryDatasets.Open(dir));
        Assert.Equal(6, seq.Frames.Count);
        Assert.Equal(6, seq.Poses!.Count);
        Assert.Equal(0.55 * 64, seq.Intrinsics[0, 0], 6);
        using var frames = SequenceFrames.Load(seq, 32, 12);   // half size: K halves with it
        Assert.Equal(0.55 * 32, frames.Intrinsics[0, 0], 6);
        Assert.Equal((24 - 1) / 2.0 / 2, frames.Intrinsics[1, 2], 6);
        Assert.Equal(new long[] { 6, 3, 12, 32 }, frames.Images.shape);
        Assert.True(frames.Depth!.max().item<float>() > 1);
    }

    [Fact]
    public void MissingFrameFailsNamingIt()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 6);
        File.Delete(Path.Combine(dir, "sequences", "00", "image_2", "000003.png"));
        var e = Assert.Throws<InvalidDataException>(() => OdometryDatasets.Open(dir));
        Assert.Contains("000003", e.Message);
    }

    [Fact]
    public void TooShortSequenceFailsForTheSnippetLength()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 6);
        var seqDir = Path.Combine(dir, "sequences", "00");
        foreach (var i in new[] { 3, 4, 5 })
        {
            File.Delete(Path.Combine(seqDir, "image_2", $"00000{i}.png"));
            File.Delete(Path.Combine(seqDir, "depth", $"00000{i}.png"));
        }
        var poses = Path.Combine(dir, "poses", "00.txt");
        File.WriteAllLines(poses, File.ReadAllLines(poses).Take(3));
        using var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        Assert.Single(frames.Targets(3));
        var e = Assert.Throws<InvalidDataException>(() => frames.Targets(5).ToList());
        Assert.Contains("3 frame(s)", e.Message);
    }

    [Fact]
    public void SyntheticSequencesAreDeterministicBySeed()
    {
        string a = OdometryTestKit.TinyDataset(frames: 5, seed: 11),
            b = OdometryTestKit.TinyDataset(frames: 5, seed: 11),
               c = OdometryTestKit.TinyDataset(frames: 5, seed: 12);
        string F(string d) => Path.Combine(d, "sequences", "00", "image_2", "000004.png");
        Assert.Equal(File.ReadAllBytes(F(a)), File.ReadAllBytes(F(b)));
        Assert.NotEqual(File.ReadAllBytes(F(a)), File.ReadAllBytes(F(c)));
        Assert.Equal(File.ReadAllText(Path.Combine(a, "poses", "00.txt")),
            File.ReadAllText(Path.Combine(b, "poses", "00.txt")));
    }
}
