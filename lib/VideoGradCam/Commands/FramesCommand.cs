using OpenCvSharp;
using VideoGradCam.Runtime;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace frames VIDEO --count N --out DIR</c>: the equally spaced frames the models see, as PNG
/// files.</summary>
public static class FramesCommand
{
    public static readonly Verb Verb =
        new("frames", "write N equally spaced frames of a video (or frame folder) as PNG; print their indices",
        [
            Opt.Value("count", "frames to write", "N", "16"),
            Opt.Computed("out", "output folder", "DIR", "artifacts/frames/<video name>"),
            Opt.Value("clips", "split the video into this many clips", "N", "1"),
            Opt.Value("clip", "which clip (0-based)", "K", "0"),
        ], Run, [("video", "the video file or frame folder")]);

    static int Run(Args a)
    {
        var video = a.Positional(0, "the video file or frame folder");
        var count = a.Int("count", 16);
        var outDir = a.String("out",
            Path.Combine(WorkspacePaths.Artifacts(), "frames", Path.GetFileNameWithoutExtension(video)));
        var clips = a.Int("clips", 1);
        var clip = a.Int("clip", 0);
        if (count < 1) throw new UsageException($"--count must be at least 1 (got {count}).");
        if (clip < 0 || clip >= clips) throw new UsageException($"--clip must be in 0..{clips - 1} (got {clip}).");

        var written = Write(video, count, outDir, clip, clips);
        Console.WriteLine($"frames: {written.Count} of {video} -> {Path.GetFullPath(outDir)}");
        Console.WriteLine("indices: " + string.Join(" ", written.Select(w => w.Index)));
        return 0;
    }

    /// <summary>Writes <c>frame_KK_index_NNNNNN.png</c> per sampled frame (source size, no crop); returns (index,
    /// file).</summary>
    public static IReadOnlyList<(int Index, string File)> Write(string video, int count, string outDir, int clip = 0,
        int clips = 1)
    {
        var options =
            new FrameSamplerOptions { Frames = count, ClipsPerVideo = clips, ResizeShorterSide = 0, CropSize = 0 };
        using var decoded = FrameSampler.DecodeClip(video, options, clip, out var indices, out _, out _);
        Directory.CreateDirectory(outDir);
        var files = new List<(int, string)>();
        for (int k = 0; k < indices.Length; k++)
        {
            var file = Path.Combine(outDir, $"frame_{k:00}_index_{indices[k]:000000}.png");
            var frame = decoded.Frames[indices[k]];
            AtomicFile.Write(file, tmp =>
            {
                if (!Cv2.ImWrite(tmp, frame)) throw new IOException($"{tmp}: OpenCV could not write the PNG.");
            });
            files.Add((indices[k], file));
        }
        return files;
    }
}
