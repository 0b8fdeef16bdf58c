using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;
using VideoGradCam.Video;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// <c>./workspace bench sampler</c> and <c>./workspace bench synth</c>. The sampler benchmark encodes 320x240
/// test videos of 10 s and 100 s with Debian's <c>ffmpeg</c> (H.264, a keyframe every 1 s or every 10 s: OpenCV's
/// own writer cannot set the keyframe interval), then times, per 16-frame clip at 112x112: the frame sampler,
/// reading on (grab) up to the last sampled frame, and decoding every frame.
/// </summary>
public static class SamplerBenchmark
{
    public sealed record SamplerRow(double Seconds, int KeyframeEvery, int Frames, double SamplerMs, double ReadOnMs,
        double DecodeAllMs, int Seeks, int Grabs);

    public static int RunSampler(Args a)
    {
        int repeats = a.Int("repeats", 3);
        if (!FfmpegAvailable())
        {
            Console.WriteLine(
                "bench sampler: skipped: the `ffmpeg` program is not installed (Debian: apt-get install ffmpeg); " +
                "it encodes the test videos with a chosen keyframe interval.");
            return 0;
        }
        var folder = Path.Combine(WorkspacePaths.Artifacts(), "bench", "sampler-videos");
        Directory.CreateDirectory(folder);
        var options = new FrameSamplerOptions { Frames = 16, ResizeShorterSide = 112, CropSize = 112 };
        var rows = new List<SamplerRow>();
        var cases = new[] { (10, 25), (10, 250), (100, 25), (100, 250) };
        using var progress = new Progress("bench sampler", cases.Length);
        foreach (var (seconds, gop) in cases)
        {
            var file = Encode(folder, seconds, gop);
            var info = FrameSampler.Probe(file);
            var indices = FrameSampler.Indices(info.ClaimedFrameCount, options, 0, info.FramesPerSecond, file);
            FrameSampler.Sample(file, options).Dispose();                                  // warm-up
            double sampler =
                1000 * BenchTiming.MedianSeconds(repeats, () => FrameSampler.Sample(file, options).Dispose());
            double readOn = 1000 * BenchTiming.MedianSeconds(repeats, () => ReadOn(file, indices));
            double all = 1000 * BenchTiming.MedianSeconds(Math.Max(1, repeats / 2), () => DecodeAll(file));
            using var source = new VideoFileSource(file);
            using (source.Read(indices.Distinct().ToArray())) { }
            rows.Add(
                new SamplerRow(seconds, gop, info.ClaimedFrameCount, sampler, readOn, all, source.Seeks, source.Grabs));
            progress.Advance($"{seconds}s, keyframe every {gop} frames");
        }
        Console.WriteLine();
        Console.WriteLine("16 frames at 112x112 from 320x240 H.264 at 25 fps (median of " + repeats
            + " runs, ms per clip)");
        Console.WriteLine(
            $"{"video",-8} {"keyframe",-9} {"frames",7} {"sampler",9} {"read-on",9} {"decode-all",11} {"seeks",6} " +
            $"{"grabs",6}");
        foreach (var r in rows)
            Console.WriteLine(
                $"{r.Seconds + " s",-8} {"every " + r.KeyframeEvery / 25 + " s",-9} {r.Frames,7} {r.SamplerMs,9:0.0} " +
                $"{r.ReadOnMs,9:0.0} {r.DecodeAllMs,11:0.0} {r.Seeks,6} {r.Grabs,6}");
        double Ratio(int gop) => rows.First(r => r.Seconds == 100 && r.KeyframeEvery == gop).SamplerMs
            / rows.First(r => r.Seconds == 10 && r.KeyframeEvery == gop).SamplerMs;
        Console.WriteLine(
            $"100 s / 10 s sampler cost: keyframe every 1 s {Ratio(25):0.00}x, every 10 s {Ratio(250):0.00}x");
        Write("sampler", rows);
        return 0;
    }

    public static int RunSynth(Args a)
    {
        int clipsPerClass = a.Int("clips-per-class", 3);
        var rows = new List<object>();
        foreach (var profile in new[] { Profile.Quick, Profile.Full })
        {
            var settings = SyntheticActionSettings.For(profile) with { ClipsPerClass = clipsPerClass };
            var folder = Path.Combine(Path.GetTempPath(), $"synth-bench-{Environment.ProcessId}-{profile.Name()}");
            try
            {
                var s = SyntheticActions.Generate(folder, settings);
                rows.Add(new { profile = profile.Name(), settings.Size, settings.Frames, clips = s.Written,
                    seconds = s.Elapsed.TotalSeconds, clipsPerSecond = s.ClipsPerSecond });
                Console.WriteLine(
                    $"synth {profile.Name(),-5}: {s.Written} clips of " +
                    $"{settings.Frames}x{settings.Size}x{settings.Size} in {s.Elapsed.TotalSeconds:0.00}s = " +
                    $"{s.ClipsPerSecond:0.0} clips/s");
            }
            finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        }
        Write("synth", rows);
        return 0;
    }

    static void Write(string name, object rows)
    {
        var path = Path.Combine(WorkspacePaths.Artifacts(), "bench", name + ".json");
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, JsonDefaults.Indented));
        Console.WriteLine($"wrote {path}");
    }

    static bool FfmpegAvailable()
    {
        try { return ExternalProcess.Run("ffmpeg", ["-hide_banner", "-version"]).ExitCode == 0; }
        catch (FileNotFoundException) { return false; }
    }

    static string Encode(string folder, int seconds, int gop)
    {
        var file = Path.Combine(folder, $"testsrc_{seconds}s_gop{gop}.mp4");
        if (File.Exists(file)) return file;
        AtomicFile.Write(file, tmp =>
        {
            var r = ExternalProcess.Run("ffmpeg",
                ["-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-t", seconds.ToString(), "-c:v", "libx264", "-preset", "veryfast", "-g", gop.ToString(), "-keyint_min",
                    gop.ToString(),
                "-sc_threshold", "0", "-pix_fmt", "yuv420p", tmp]);
            if (r.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed to encode {file}: {r.Output}");
        });
        return file;
    }

    /// <summary>The baseline without seeking: grab every frame up to the last sampled one, retrieve the sampled
    /// ones.</summary>
    static void ReadOn(string file, int[] indices)
    {
        using var capture = new VideoCapture(file, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        int position = 0;
        foreach (var i in indices.Distinct())
        {
            while (position < i) { capture.Grab(); position++; }
            capture.Read(frame);
            position++;
        }
    }

    static void DecodeAll(string file)
    {
        using var capture = new VideoCapture(file, VideoCaptureAPIs.FFMPEG);
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty()) { }
    }
}
