using OpenCvSharp;
using VideoGradCam.Plots;

namespace VideoGradCam.Tests.Plots;

public class Mp4StreamTests
{
    /// <summary>Clip i: T frames of one grey level, 40·i, so a file holding another clip's frames shows it.</summary>
    static byte[] Clip(int i, int t, int h, int w) => Enumerable.Repeat((byte)(40 * i), t * h * w * 3).ToArray();

    [Fact]
    public void EachClipOfTheStreamBecomesItsOwnFileOfItsOwnFrames()
    {
        var ffmpeg = CamVideoWriter.FindFfmpeg();
        Assert.NotNull(ffmpeg);                                                  // ./workspace setup installs it
        var dir = TestTemp.Dir("mp4-stream");
        const int t = 5, h = 24, w = 32;
        var written = new List<int>();
        var paths = Enumerable.Range(0, 5).Select(i => Path.Combine(dir, $"class{i % 2}", $"clip{i}.mp4")).ToList();
        var scratch = Path.Combine(dir, ".scratch");
        using (var stream = new Mp4Stream(ffmpeg!, scratch, t, h, w, fps: 5))
        {
            for (int i = 0; i < paths.Count; i++)
            {
                int clip = i;
                stream.Add(paths[i], Clip(i, t, h, w), () =>
                {
                    Assert.True(File.Exists(paths[clip]));                     // in place before its callback
                    written.Add(clip);
                });
            }
            Assert.Throws<ArgumentException>(() => stream.Add("wrong.mp4", new byte[7]));
            stream.Complete();
        }
        Assert.Equal([0, 1, 2, 3, 4], written);
        Assert.False(Directory.Exists(scratch));
        for (int i = 0; i < paths.Count; i++)
        {
            using var capture = new VideoCapture(paths[i]);
            Assert.True(capture.IsOpened(), paths[i]);
            using var frame = new Mat();
            int n = 0;
            while (capture.Read(frame) && !frame.Empty())
            {
                Assert.Equal(CamVideoWriter.EnlargedSize(w, h), (frame.Width, frame.Height));
                Assert.Equal(40 * i, frame.Mean().Val0, 3.0);                  // this clip's grey, not a neighbour's
                n++;
            }
            Assert.Equal(t, n);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AFailingFfmpegIsReportedWithTheClipAndItsMessage()
    {
        var dir = TestTemp.Dir("mp4-stream-fails");
        var fake = Path.Combine(dir, "ffmpeg");
        File.WriteAllText(fake, "#!/bin/sh\necho 'no encoder here' >&2\nexit 3\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var scratch = Path.Combine(dir, ".scratch");
        using var stream = new Mp4Stream(fake, scratch, 2, 8, 8);
        var e = Assert.Throws<IOException>(() =>
        {
            // The pipe may take the first clip before ffmpeg has exited: the failure shows at a later write or at the
            // end.
            for (int i = 0; i < 50; i++) stream.Add(Path.Combine(dir, $"c{i}.mp4"), Clip(1, 2, 8, 8));
            stream.Complete();
        });
        Assert.Contains("ffmpeg failed (3): no encoder here", e.Message);
        Assert.Contains(".mp4", e.Message);
        stream.Dispose();
        Assert.False(Directory.Exists(scratch));
        Assert.Empty(Directory.EnumerateFiles(dir, "*.mp4"));
    }
}
