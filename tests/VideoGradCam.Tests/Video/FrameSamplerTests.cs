using OpenCvSharp;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Video;

public class FrameSamplerTests
{
    static readonly FrameSamplerOptions Raw = new()
    {
        Frames = 8, ResizeShorterSide = 0, CropSize = 0, Normalization = Normalization.None, Layout = ClipLayout.TCHW,
    };

    [Fact]
    public void IndicesAreTheCentresOfEqualSegments()
    {
        Assert.Equal([12, 37, 62, 87], FrameSampler.Indices(100, new FrameSamplerOptions { Frames = 4 }));
        var many = FrameSampler.Indices(160, new FrameSamplerOptions { Frames = 16 });
        Assert.All(many.Zip(many.Skip(1)), p => Assert.Equal(10, p.Second - p.First));
    }

    [Fact]
    public void SeveralClipsPerVideoInterleaveAndEachSpansTheVideo()
    {
        var o = new FrameSamplerOptions { Frames = 4, ClipsPerVideo = 2 };
        var a = FrameSampler.Indices(100, o, 0);
        var b = FrameSampler.Indices(100, o, 1);
        Assert.Equal([6, 31, 56, 81], a);
        Assert.Equal([18, 43, 68, 93], b);
    }

    [Fact]
    public void TimeWindowKeepsIndicesInsideTheWindow()
    {
        var o = new FrameSamplerOptions { Frames = 5, Window = new TimeWindow(2, 4) };     // frames 50..99 at 25 fps
        var idx = FrameSampler.Indices(250, o, fps: 25);
        Assert.All(idx, i => Assert.InRange(i, 50, 99));
        Assert.Equal(5, idx.Distinct().Count());
    }

    [Fact]
    public void SampledFramesAreTheFramesAtTheReturnedIndices()
    {
        var dir = TestVideos.TempFolder("sampler");
        var video = TestVideos.Numbered(dir, 60);
        using var clip = FrameSampler.Sample(video, Raw);                                  // [T,C,H,W] in [0,1]
        Assert.Equal(FrameSampler.Indices(60, Raw), clip.FrameIndices);
        for (int t = 0; t < clip.T; t++)
        {
            double level = clip.Frames[t].mean().item<float>() * 255;
            Assert.Equal(clip.FrameIndices[t], (int)Math.Round(level / TestVideos.Step));
        }
    }

    [Fact]
    public void LargeGapsAreSeekedAndSmallGapsReadThrough()
    {
        var dir = TestVideos.TempFolder("seek");
        var video = TestVideos.Numbered(dir, 60);
        using var source = new VideoFileSource(video);
        using (var near = source.Read([0, 1, 2, 4])) Assert.Equal(0, source.Seeks);
        using (var far = source.Read([40]))
        {
            Assert.Equal(1, source.Seeks);
            Assert.Equal(0, source.Grabs);
            Assert.Equal(40, TestVideos.FrameNumber(far.Frames[40]));
        }
    }

    [Fact]
    public void SeeksOnlyWhileASeekCostsLessThanReadingThrough()
    {
        // frame cost unknown: read on
        Assert.False(VideoFileSource.ShouldSeek(100, double.NaN, double.NaN));
        Assert.True(VideoFileSource.ShouldSeek(VideoFileSource.TrialSeekGap, 1, double.NaN));  // one trial seek
        Assert.False(VideoFileSource.ShouldSeek(VideoFileSource.TrialSeekGap - 1, 1, double.NaN));
        Assert.True(VideoFileSource.ShouldSeek(100, 0.6, 28));                              // short keyframe interval
        Assert.False(VideoFileSource.ShouldSeek(100, 0.6, 150));                            // long keyframe interval
        Assert.False(VideoFileSource.ShouldSeek(VideoFileSource.AlwaysGrabGap, 100, 0.001));
    }

    [Fact]
    public void FrameFolderIsOrderedByTheNumbersInTheNames()
    {
        var dir = TestVideos.TempFolder("folder");
        foreach (var k in new[] { 1, 2, 10 })
        {
            using var m = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(TestVideos.Level(k)));
            Cv2.ImWrite(Path.Combine(dir, $"img{k}.png"), m);
        }
        using var clip = FrameSampler.Sample(dir, Raw with { Frames = 3 });
        var shown = Enumerable.Range(0, 3)
            .Select(t => (int)Math.Round(clip.Frames[t].mean().item<float>() * 255 / TestVideos.Step)).ToArray();
        Assert.Equal([1, 2, 10], shown);
    }

    [Fact]
    public void BothLayoutsHoldTheSameValues()
    {
        var dir = TestVideos.TempFolder("layout");
        var video = TestVideos.Numbered(dir, 20);
        var o = new FrameSamplerOptions { Frames = 4, ResizeShorterSide = 16, CropSize = 16 };
        using var cthw = FrameSampler.Sample(video, o with { Layout = ClipLayout.CTHW });
        using var tchw = FrameSampler.Sample(video, o with { Layout = ClipLayout.TCHW });
        Assert.Equal([3L, 4, 16, 16], cthw.Frames.shape);
        Assert.Equal([4L, 3, 16, 16], tchw.Frames.shape);
        Assert.True(cthw.Frames.permute(1, 0, 2, 3).allclose(tchw.Frames));
    }

    [Fact]
    public void KineticsNormalisationUsesTheStudyConstants()
    {
        var dir = TestVideos.TempFolder("norm");
        var video = TestVideos.Numbered(dir, 30);
        using var clip = FrameSampler.Sample(video, Raw with { Frames = 1, Normalization = Normalization.Kinetics });
        double v = TestVideos.Level(clip.FrameIndices[0]) / 255.0;
        float[] mean = [0.43216f, 0.394666f, 0.37645f], std = [0.22803f, 0.22145f, 0.216989f];
        for (int c = 0; c < 3; c++)
            Assert.Equal((v - mean[c]) / std[c], clip.Frames[0, c].mean().item<float>(), 0.03);
    }

    [Fact]
    public void GreyscaleFramesWithOddSizeBecomeThreeEqualChannelsOfTheRequestedSize()
    {
        var dir = TestVideos.TempFolder("odd");
        for (int k = 0; k < 6; k++)
        {
            using var m = new Mat(33, 45, MatType.CV_8UC1, Scalar.All(TestVideos.Level(k)));
            Cv2.ImWrite(Path.Combine(dir, $"{k}.png"), m);
        }
        var o = new FrameSamplerOptions { Frames = 4, ResizeShorterSide = 17, CropSize = 15, Layout = ClipLayout.TCHW,
            Normalization = Normalization.None };
        using var clip = FrameSampler.Sample(dir, o);
        Assert.Equal([4L, 3, 15, 15], clip.Frames.shape);
        Assert.Equal(45, clip.Geometry.Source.Width);
        Assert.Equal(23, clip.Geometry.Resized.Width);                                      // 45 * 17/33 = 23.2
        Assert.True(clip.Frames[.., 0].allclose(clip.Frames[.., 2]));
        using var native = FrameSampler.Sample(dir, Raw with { Frames = 4 });
        Assert.Equal([4L, 3, 33, 45], native.Frames.shape);

        // The same through a greyscale video with odd sizes (the MJPG writer may round the width to even).
        var video = TestVideos.Numbered(dir, 12, width: 45, height: 33, color: false);
        var info = FrameSampler.Probe(video);
        using var fromVideo = FrameSampler.Sample(video, o);
        Assert.Equal([4L, 3, 15, 15], fromVideo.Frames.shape);
        Assert.Equal(info.Width, fromVideo.Geometry.Source.Width);
        Assert.True(fromVideo.Frames[.., 0].allclose(fromVideo.Frames[.., 2], atol: 0.03));
    }

    [Fact]
    public void ShortVideoRepeatsTheLastFrameOrFailsAsAsked()
    {
        var dir = TestVideos.TempFolder("short");
        var video = TestVideos.Numbered(dir, 5);
        using var clip = FrameSampler.Sample(video, Raw with { ShortVideo = ShortVideoPolicy.RepeatLast });
        Assert.Equal([0, 1, 2, 3, 4, 4, 4, 4], clip.FrameIndices);
        var e = Assert.Throws<InvalidDataException>(
            () => FrameSampler.Sample(video, Raw with { ShortVideo = ShortVideoPolicy.Fail }));
        Assert.Contains(video, e.Message);
        Assert.Contains("has 5 frames", e.Message);
    }

    [Fact]
    public void MissingFileIsReportedWithItsPath()
    {
        var path = Path.Combine(TestVideos.TempFolder("missing"), "nope.mp4");
        var e = Assert.Throws<FileNotFoundException>(() => FrameSampler.Sample(path, Raw));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void FileThatIsNotAVideoIsReportedWithItsPath()
    {
        var path = Path.Combine(TestVideos.TempFolder("notvideo"), "notes.avi");
        File.WriteAllText(path, "these are not the frames you are looking for\n");
        var e = Assert.Throws<InvalidDataException>(() => FrameSampler.Sample(path, Raw));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ZeroFrameAndEmptyVideosAreReportedWithTheirPaths()
    {
        var dir = TestVideos.TempFolder("zero");
        var zero = TestVideos.Numbered(dir, 0, name: "zero.avi");
        var e = Assert.Throws<InvalidDataException>(() => FrameSampler.Sample(zero, Raw));
        Assert.Contains(zero, e.Message);
        var empty = Path.Combine(dir, "empty.mp4");
        File.WriteAllBytes(empty, []);
        var e2 = Assert.Throws<InvalidDataException>(() => FrameSampler.Sample(empty, Raw));
        Assert.Contains(empty, e2.Message);
    }

    [Fact]
    public void TruncatedVideoIsSampledFromTheFramesThatDecode()
    {
        var dir = TestVideos.TempFolder("truncated");
        var full = TestVideos.Numbered(dir, 40, width: 64, height: 64);
        var cut = Path.Combine(dir, "cut.avi");
        var bytes = File.ReadAllBytes(full);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        int decodable = TestVideos.DecodableFrames(cut);
        Assert.InRange(decodable, 1, 39);
        using var clip = FrameSampler.Sample(cut, Raw);
        Assert.All(clip.FrameIndices, i => Assert.InRange(i, 0, decodable - 1));
        Assert.Equal(decodable, clip.SourceFrameCount);
        Assert.Equal(FrameSampler.Indices(decodable, Raw), clip.FrameIndices);
    }

    [Fact]
    public void EmptyFrameFolderIsReportedWithItsPath()
    {
        var dir = TestVideos.TempFolder("emptyfolder");
        File.WriteAllText(Path.Combine(dir, "readme.txt"), "no frames here");
        var e = Assert.Throws<InvalidDataException>(() => FrameSampler.Sample(dir, Raw));
        Assert.Contains(dir, e.Message);
        Assert.Contains("no frame images", e.Message);
    }

    [Fact]
    public void ToRgbBytesUndoesTheNormalisation()
    {
        var dir = TestVideos.TempFolder("rgb");
        var video = TestVideos.Numbered(dir, 30);
        using var clip =
            FrameSampler.Sample(video, new FrameSamplerOptions { Frames = 3, ResizeShorterSide = 16, CropSize = 16 });
        using var rgb = clip.ToRgbBytes();                                                   // [T,H,W,3]
        Assert.Equal([3L, 16, 16, 3], rgb.shape);
        for (int t = 0; t < 3; t++)
            Assert.Equal(TestVideos.Level(clip.FrameIndices[t]),
                rgb[t].to_type(ScalarType.Float32).mean().item<float>(), 2.0);
    }
}
