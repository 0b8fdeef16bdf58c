using VideoGradCam.Commands;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Video;

public class VideoCommandsTests
{
    [Fact]
    public void SynthActionsWritesTheRequestedSet()
    {
        var dir = TestVideos.TempFolder("cli-synth");
        int code = Cli.Run(["synth", "actions", "--out", dir, "--clips-per-class", "1", "--frames", "6", "--size", "32",
            "--seed", "5"]);
        Assert.Equal(0, code);
        var d = VideoDataset.FromFolders(dir);
        Assert.Equal(SyntheticActions.ClassNames.Count, d.Count);
        Assert.Equal(6, ClipAnnotation.ForVideo(d.Items[0].Path).Frames);
        Assert.Equal(2, Cli.Run(["synth", "sounds", "--out", dir]));
        Assert.Equal(2, Cli.Run(["synth", "actions", "--out", dir, "--size", "8"]));
    }

    [Fact]
    public void FramesWritesOnePngPerSampledIndex()
    {
        var dir = TestVideos.TempFolder("cli-frames");
        var video = TestVideos.Numbered(dir, 30);
        var outDir = Path.Combine(dir, "out");
        var written = FramesCommand.Write(video, 5, outDir);
        Assert.Equal(FrameSampler.Indices(30, new FrameSamplerOptions { Frames = 5 }), written.Select(w => w.Index));
        foreach (var (index, file) in written)
        {
            using var m = OpenCvSharp.Cv2.ImRead(file);
            Assert.Equal(index, TestVideos.FrameNumber(m));
        }
        Assert.Equal(0, Cli.Run(["frames", video, "--count", "3", "--out", Path.Combine(dir, "cli")]));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, "cli"), "*.png").Length);
        Assert.Equal(1, Cli.Run(["frames", Path.Combine(dir, "missing.mp4"), "--count", "3"]));
    }
}
