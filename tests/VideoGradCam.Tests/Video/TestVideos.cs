using OpenCvSharp;

namespace VideoGradCam.Tests.Video;

/// <summary>Tiny test videos whose frames say which frame they are: frame k is a flat grey of level Step * k.</summary>
public static class TestVideos
{
    public const int Step = 4;

    public static string TempFolder(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "vgc-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>An MJPG .avi of <paramref name="frames"/> numbered frames.</summary>
    public static string Numbered(string folder, int frames, int width = 32, int height = 32, bool color = true,
        string name = "numbered.avi")
    {
        var path = Path.Combine(folder, name);
        using var writer = new VideoWriter(path, FourCC.MJPG, 25, new Size(width, height), color);
        Assert.True(writer.IsOpened(), "OpenCV could not open an MJPG writer");
        writer.Set(VideoWriterProperties.Quality, 100);
        for (int k = 0; k < frames; k++)
        {
            using var f = new Mat(height, width, color ? MatType.CV_8UC3 : MatType.CV_8UC1, Scalar.All(Level(k)));
            writer.Write(f);
        }
        return path;
    }

    public static int Level(int k) => (Step * k) % 256;

    /// <summary>The frame number a decoded frame shows (mean grey / Step).</summary>
    public static int FrameNumber(Mat bgr) => (int)Math.Round(Cv2.Mean(bgr).Val0 / Step);

    /// <summary>Counts frames by decoding every one.</summary>
    public static int DecodableFrames(string path)
    {
        using var cap = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!cap.IsOpened()) return 0;
        int n = 0;
        while (cap.Grab()) n++;
        return n;
    }
}
