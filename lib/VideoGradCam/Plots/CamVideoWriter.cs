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
            var rgb = new byte[w * h * 3];
            for (int t = 0; t < clip.T; t++)
            {
                Enlarge(clip.Bytes, t * h0 * w0 * 3, h0, w0, w / w0, rgb);
                using var frame = CamOverlay.ToBgrMat(rgb, 0, h, w);
                writer.Write(frame);
            }
            writer.Release();
        });
        return "mpeg4";
    }

    /// <summary>The video's size: the clip's enlarged by the smallest whole factor (at least 2) that reaches
    /// <paramref name="minWidth"/> and keeps both sides even, as H.264's 4:2:0 sampling needs (at a factor of 2, each
    /// colour sample covers exactly one pixel of the clip).</summary>
    public static (int W, int H) EnlargedSize(int w0, int h0, int minWidth = MinWidth)
    {
        int scale = Math.Max(2, (int)Math.Ceiling((double)minWidth / w0));
        if (w0 * scale % 2 == 1 || h0 * scale % 2 == 1) scale++;
        return (w0 * scale, h0 * scale);
    }

    /// <summary>RGB bytes <c>[T,H,W,3]</c> with their shape.</summary>
    sealed record RgbClip(byte[] Bytes, int T, int H, int W);

    /// <summary>Feeds the clip's frames, enlarged to w×h (YUV 4:2:0), to one ffmpeg encoding H.264 into
    /// <paramref name="output"/>.</summary>
    static void EncodeH264(string ffmpeg, string output, RgbClip clip, int w, int h, double fps)
    {
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true,
                UseShellExecute = false,
        };
        foreach (var a in new[] { "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", $"{w}x{h}",
                     "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "-",
                     "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-movflags", "+faststart", "-f", "mp4",
                     output })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new IOException($"Cannot start {ffmpeg}.");
        var errors = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEndAsync();
        try
        {
            var stdin = p.StandardInput.BaseStream;
            var bytes = new byte[w * h * 3 / 2];
            for (int t = 0; t < clip.T; t++)
            {
                EnlargeToYuv420(clip.Bytes, t * clip.H * clip.W * 3, clip.H, clip.W, w / clip.W, bytes);
                stdin.Write(bytes);
            }
            stdin.Close();
        }
        catch (IOException) { /* ffmpeg stopped early: its message below says why */ }
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"{output}: ffmpeg failed ({p.ExitCode}): {errors.Result.Trim()}");
    }

    /// <summary>
    /// One RGB frame <c>[h,w,3]</c> at <paramref name="offset"/> of <paramref name="rgb"/>, enlarged by a whole
    /// <paramref name="scale"/> (nearest neighbour) into planar YUV 4:2:0 as H.264 takes it, so that ffmpeg need not
    /// convert: Y <c>[h·scale, w·scale]</c>, then U and V <c>[h·scale/2, w·scale/2]</c>, each chroma sample that of the
    /// source pixel under its top-left luma sample. BT.601 limited range, as ffmpeg converts rgb24 to yuv420p and as
    /// players read video of this size. Both enlarged sides must be even (see <see cref="EnlargedSize"/>).
    /// </summary>
    public static void EnlargeToYuv420(byte[] rgb, int offset, int h, int w, int scale, byte[] into)
    {
        int width = w * scale, height = h * scale, cw = width / 2, ch = height / 2;
        if (width % 2 != 0 || height % 2 != 0 || into.Length != width * height + 2 * cw * ch)
            throw new ArgumentException(
                $"A YUV 4:2:0 frame {width}×{height} needs even sides and {width * height * 3 / 2} bytes; got " +
                $"{into.Length}.");
        var span = into.AsSpan();
        var us = new byte[h * w];
        var vs = new byte[h * w];
        for (int y = 0; y < h; y++)
        {
            var row = span.Slice(y * scale * width, width);
            for (int x = 0; x < w; x++)
            {
                int p = offset + (y * w + x) * 3, r = rgb[p], g = rgb[p + 1], b = rgb[p + 2];
                row.Slice(x * scale, scale).Fill((byte)(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16));
                us[y * w + x] = (byte)(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
                vs[y * w + x] = (byte)(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
            }
            for (int k = 1; k < scale; k++) row.CopyTo(span.Slice((y * scale + k) * width, width));
        }
        var uPlane = span.Slice(width * height, cw * ch);
        var vPlane = span.Slice(width * height + cw * ch, cw * ch);
        for (int j = 0; j < ch; j++)
        {
            int source = 2 * j / scale * w;
            for (int i = 0; i < cw; i++)
            {
                uPlane[j * cw + i] = us[source + 2 * i / scale];
                vPlane[j * cw + i] = vs[source + 2 * i / scale];
            }
        }
    }

    /// <summary>One RGB frame <c>[h,w,3]</c> at <paramref name="offset"/> of <paramref name="rgb"/>, enlarged by a
    /// whole <paramref name="scale"/> (nearest neighbour: the map's cells stay sharp) into <paramref name="into"/>
    /// <c>[h·scale, w·scale, 3]</c>.</summary>
    public static void Enlarge(byte[] rgb, int offset, int h, int w, int scale, byte[] into)
    {
        int row = w * scale * 3;
        if (into.Length != h * scale * row) throw new ArgumentException(
            $"An enlarged frame [{h * scale},{w * scale},3] needs {h * scale * row} bytes; got {into.Length}.");
        var span = into.AsSpan();
        for (int y = 0; y < h; y++)
        {
            var first = span.Slice(y * scale * row, row);
            for (int x = 0; x < w; x++)
            {
                int from = offset + (y * w + x) * 3;
                for (int k = 0; k < scale; k++)
                {
                    int to = (x * scale + k) * 3;
                    first[to] = rgb[from];
                    first[to + 1] = rgb[from + 1];
                    first[to + 2] = rgb[from + 2];
                }
            }
            for (int k = 1; k < scale; k++) first.CopyTo(span.Slice((y * scale + k) * row, row));
        }
    }
}
