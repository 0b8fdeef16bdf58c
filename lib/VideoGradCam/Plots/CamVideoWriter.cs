using System.Diagnostics;
using OpenCvSharp;
using VideoGradCam.Runtime;
using static TorchSharp.torch;
using Size = OpenCvSharp.Size;

namespace VideoGradCam.Plots;

/// <summary>
/// Writes an overlaid clip as MP4 that plays where people look: H.264 through the system's <c>ffmpeg</c> (Debian's
/// package, installed by <c>./workspace setup</c>; browsers and VS Code play it). Without ffmpeg it falls back to
/// OpenCV's mp4v (MPEG-4 Part 2: desktop players only) and says so. Small clips are enlarged (nearest neighbour) to at
/// least <see cref="MinWidth"/> pixels so the video is not a stamp. Written to a temp name then renamed.
/// </summary>
public static class CamVideoWriter
{
    /// <summary>The narrowest video written, in pixels.</summary>
    public const int MinWidth = 320;

    /// <summary>WORKSPACE_FFMPEG, else <c>ffmpeg</c> found on PATH; null when there is none.</summary>
    public static string? FindFfmpeg()
    {
        if (Environment.GetEnvironmentVariable("WORKSPACE_FFMPEG") is { Length: > 0 } given) return File.Exists(given)
            ? given : null;
        var names = OperatingSystem.IsWindows() ? new[] { "ffmpeg.exe" } : ["ffmpeg"];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => names.Select(n => Path.Combine(d, n))).FirstOrDefault(File.Exists);
    }

    /// <param name="frames">RGB bytes [T,H,W,3] (e.g. from <see cref="CamOverlay.Blend(Tensor, Tensor, double)"/>).
    /// </param>
    /// <returns>the codec written: "h264" (ffmpeg) or "mpeg4" (OpenCV's mp4v fallback).</returns>
    public static string WriteMp4(string path, Tensor frames, double fps = 8)
    {
        if (frames.dim() != 4 || frames.shape[3] != 3 || frames.dtype != ScalarType.Byte)
            throw new ArgumentException(
                $"{path}: frames must be RGB bytes [T,H,W,3]; got {frames.dtype} [{string.Join(",", frames.shape)}].");
        var bytes = frames.contiguous().cpu().data<byte>().ToArray();
        return WriteMp4(path, bytes, (int)frames.shape[0], (int)frames.shape[1], (int)frames.shape[2], fps);
    }

    /// <summary>The same from plain RGB bytes <c>[T,H,W,3]</c> (no tensor: any thread may call it).</summary>
    public static string WriteMp4(string path, byte[] frames, int t, int h0, int w0, double fps = 8)
    {
        if (frames.Length != t * h0 * w0 * 3) throw new ArgumentException(
            $"{path}: {frames.Length} bytes are not RGB frames [{t},{h0},{w0},3].");
        var (w, h) = EnlargedSize(w0, h0);
        var clip = new RgbClip(frames, t, h0, w0);
        var ffmpeg = FindFfmpeg();
        if (ffmpeg is not null)
        {
            AtomicFile.Write(path, tmp => EncodeH264(ffmpeg, tmp, clip, w, h, fps));
            return "h264";
        }
        Console.Error.WriteLine(
            $"{path}: no ffmpeg found, written as mp4v (desktop players only); install ffmpeg for H.264 (./workspace " +
            "setup does).");
        AtomicFile.Write(path, tmp =>
        {
            using var writer = new VideoWriter(tmp, FourCC.MP4V, fps, new Size(w, h));
            if (!writer.IsOpened()) throw new IOException($"{path}: OpenCV could not open an mp4v writer.");
            foreach (var frame in Enlarged(clip, w, h, bgr: true)) using (frame) writer.Write(frame);
            writer.Release();
        });
        return "mpeg4";
    }

    /// <summary>
    /// Several clips of one shape, each to its own MP4, from one ffmpeg process (its start-up costs more than encoding
    /// a short clip): the clips are encoded as one stream with a key frame at each clip's start and cut there by
    /// ffmpeg's segment muxer into a temp folder beside the first path; each file is renamed into place once ffmpeg
    /// has finished. Data-set scale favours encoding time: x264's ultrafast preset (about half the CPU time of
    /// veryfast, files about 1.5× the size). Without ffmpeg, or for one clip, each is written by
    /// <see cref="WriteMp4(string, byte[], int, int, int, double)"/>.
    /// </summary>
    /// <param name="clips">each clip's path and RGB bytes <c>[T,H,W,3]</c>.</param>
    public static void WriteMp4s(IReadOnlyList<(string Path, byte[] Frames)> clips, int t, int h0, int w0,
        double fps = 8)
    {
        var ffmpeg = FindFfmpeg();
        if (ffmpeg is null || clips.Count == 1)
        {
            foreach (var (path, frames) in clips) WriteMp4(path, frames, t, h0, w0, fps);
            return;
        }
        foreach (var (path, frames) in clips)
            if (frames.Length != t * h0 * w0 * 3) throw new ArgumentException(
                $"{path}: {frames.Length} bytes are not RGB frames [{t},{h0},{w0},3].");
        var (w, h) = EnlargedSize(w0, h0);
        var first = Path.GetFullPath(clips[0].Path);
        var temp = Path.Combine(Path.GetDirectoryName(first)!,
            $".{Path.GetFileNameWithoutExtension(first)}.{Environment.ProcessId}.tmp-mp4s");
        Directory.CreateDirectory(temp);
        try
        {
            var cuts = string.Join(",", Enumerable.Range(1, clips.Count - 1).Select(i => (i * t).ToString(
                System.Globalization.CultureInfo.InvariantCulture)));
            string[] segments =
            [
                "-g", $"{t}", "-keyint_min", $"{t}", "-sc_threshold", "0", "-f", "segment", "-segment_frames", cuts,
                "-reset_timestamps", "1", "-segment_format", "mp4", "-segment_format_options", "movflags=+faststart",
                Path.Combine(temp, "%06d.mp4"),
            ];
            Encode(ffmpeg, clips.Select(c => new RgbClip(c.Frames, t, h0, w0)), w, h, fps, "ultrafast", segments,
                clips[0].Path);
            for (int i = 0; i < clips.Count; i++)
            {
                var segment = Path.Combine(temp, $"{i:D6}.mp4");
                if (!File.Exists(segment)) throw new IOException(
                    $"{clips[i].Path}: ffmpeg wrote no segment {i} of {clips.Count}.");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(clips[i].Path))!);
                File.Move(segment, clips[i].Path, overwrite: true);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The video's size: the clip's enlarged by the smallest whole factor (at least 2) that reaches
    /// <see cref="MinWidth"/> and keeps both sides even, as H.264's 4:2:0 sampling needs.</summary>
    public static (int W, int H) EnlargedSize(int w0, int h0)
    {
        int scale = Math.Max(2, (int)Math.Ceiling((double)MinWidth / w0));
        if (w0 * scale % 2 == 1 || h0 * scale % 2 == 1) scale++;
        return (w0 * scale, h0 * scale);
    }

    /// <summary>RGB bytes <c>[T,H,W,3]</c> with their shape.</summary>
    sealed record RgbClip(byte[] Bytes, int T, int H, int W);

    static void EncodeH264(string ffmpeg, string output, RgbClip frames, int w, int h, double fps) =>
        Encode(ffmpeg, [frames], w, h, fps, "veryfast", ["-movflags", "+faststart", "-f", "mp4", output], output);

    /// <summary>Feeds the clips' frames, enlarged to w×h, to one ffmpeg encoding H.264 into
    /// <paramref name="outputArguments"/>.</summary>
    static void Encode(string ffmpeg, IEnumerable<RgbClip> clips, int w, int h, double fps, string preset,
        IEnumerable<string> outputArguments, string what)
    {
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true,
                UseShellExecute = false,
        };
        foreach (var a in new[] { "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{w}x{h}",
                     "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "-",
                     "-c:v", "libx264", "-preset", preset, "-crf", "26", "-pix_fmt", "yuv420p" }
                     .Concat(outputArguments))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new IOException($"Cannot start {ffmpeg}.");
        var errors = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEndAsync();
        try
        {
            var stdin = p.StandardInput.BaseStream;
            var bytes = new byte[w * h * 3];
            foreach (var clip in clips)
            foreach (var frame in Enlarged(clip, w, h, bgr: false))
                using (frame)
                {
                    System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
                    stdin.Write(bytes);
                }
            stdin.Close();
        }
        catch (IOException) { /* ffmpeg stopped early: its message below says why */ }
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"{what}: ffmpeg failed ({p.ExitCode}): {errors.Result.Trim()}");
    }

    /// <summary>Each frame enlarged to w×h (nearest neighbour: the map's cells stay sharp), as a continuous 8-bit
    /// Mat.</summary>
    static IEnumerable<Mat> Enlarged(RgbClip frames, int w, int h, bool bgr)
    {
        for (int t = 0; t < frames.T; t++)
        {
            using var image = CamOverlay.ToBgrMat(frames.Bytes, t * frames.H * frames.W * 3, frames.H, frames.W);
            var big = new Mat();
            Cv2.Resize(image, big, new Size(w, h), interpolation: InterpolationFlags.Nearest);
            if (!bgr) Cv2.CvtColor(big, big, ColorConversionCodes.BGR2RGB);
            yield return big;
        }
    }
}
