using OpenCvSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Video;

/// <summary>The pixels of one sampled clip as a managed array (no tensor yet: the loader's worker threads build
/// these).</summary>
/// <param name="Pixels">float32, normalised RGB, laid out per <paramref name="Layout"/>; each frame is the
/// <paramref name="Geometry"/>'s crop.</param>
public sealed record SampledClip(float[] Pixels, int[] FrameIndices, ClipLayout Layout, Normalization Normalization,
    FrameGeometry Geometry, int SourceFrameCount, string Source)
{
    public int Height => Geometry.Crop.Height;
    public int Width => Geometry.Crop.Width;

    public long[] Shape => Layout == ClipLayout.TCHW
        ? [FrameIndices.Length, 3, Height, Width]
        : [3, FrameIndices.Length, Height, Width];

    public Clip ToClip(int label = -1) =>
        new(tensor(Pixels, Shape), FrameIndices, label, Source, Layout, Normalization, Geometry, SourceFrameCount);
}

/// <summary>
/// Equally spaced frames from a video file or a frame folder. The window (whole video or
/// <see cref="FrameSamplerOptions.Window"/>) is cut into T equal segments and the centre frame of each is taken;
/// with K clips per video, clip k takes the point (k + 0.5) / K of the way through each segment.
/// Decoding cost follows the frames taken (see <see cref="VideoFileSource"/>). A container frame count that
/// claims more frames than decode is detected, the real count measured, and the indices recomputed.
/// </summary>
public static class FrameSampler
{
    /// <summary>The container's (or folder's) own description, without decoding frames.</summary>
    public static VideoInfo Probe(string source)
    {
        using var s = FrameSource.Open(source);
        return s.Info;
    }

    /// <summary>
    /// Source frame indices of clip <paramref name="clipIndex"/> for a video of <paramref name="frameCount"/> frames
    /// (ascending; repeated at the end for <see cref="ShortVideoPolicy.RepeatLast"/>). A pure function.
    /// </summary>
    public static int[] Indices(int frameCount, FrameSamplerOptions options, int clipIndex = 0, double fps = 25,
        string source = "video")
    {
        options.Validate();
        if (frameCount <= 0) throw new InvalidDataException($"{source}: contains no decodable frames.");
        if (clipIndex < 0 || clipIndex >= options.ClipsPerVideo)
            throw new ArgumentOutOfRangeException(nameof(clipIndex), $"clip {clipIndex} of {options.ClipsPerVideo}");
        var (first, end) = options.Window?.ToFrames(fps, frameCount) ?? (0, frameCount);
        int n = end - first, t = options.Frames;
        if (n <= 0)
            throw new InvalidDataException(
                $"{source}: the window {options.Window} holds no frames (the video has {frameCount} at {fps:0.##} " +
                "fps).");
        if (options.Stride > 0) return Window(first, end, options, clipIndex, source);
        if (n < t)
        {
            if (options.ShortVideo == ShortVideoPolicy.Fail)
                throw new InvalidDataException(
                    $"{source}: has {n} frames in the sampled range, the clip needs {t} (ShortVideoPolicy.Fail).");
            return Enumerable.Range(0, t).Select(i => first + Math.Min(i, n - 1)).ToArray();
        }
        double offset = (clipIndex + 0.5) / options.ClipsPerVideo;
        return Enumerable.Range(0, t).Select(i => first + Math.Min(n - 1, (int)Math.Floor((i + offset) * n / t)))
            .ToArray();
    }

    /// <summary>Clip k as a window of consecutive frames (every <c>Stride</c>-th): from <c>StartFrame</c> (windows back
    /// to back), or with the windows spread evenly over [first, end). A window past the end repeats the last
    /// frame.</summary>
    static int[] Window(int first, int end, FrameSamplerOptions o, int clipIndex, string source)
    {
        int span = (o.Frames - 1) * o.Stride + 1, n = end - first;
        int start = o.StartFrame is { } s
            ? first + s + clipIndex * o.Frames * o.Stride
            : first + Math.Max(0, (int)Math.Round((clipIndex + 0.5) * n / o.ClipsPerVideo - span / 2.0));
        start = Math.Min(start, Math.Max(first, end - span));
        if (o.StartFrame is { } given && first + given >= end)
            throw new InvalidDataException(
                $"{source}: the window starts at frame {given}, but the video has {n} frames.");
        return Enumerable.Range(0, o.Frames).Select(i => Math.Min(end - 1, start + i * o.Stride)).ToArray();
    }

    /// <summary>One clip as a tensor (see <see cref="Clip"/>).</summary>
    public static Clip Sample(string source, FrameSamplerOptions? options = null, int clipIndex = 0, int label = -1) =>
        SamplePixels(source, options ?? new FrameSamplerOptions(), clipIndex).ToClip(label);

    /// <summary>All <see cref="FrameSamplerOptions.ClipsPerVideo"/> clips of a video.</summary>
    public static IReadOnlyList<Clip> SampleAll(string source, FrameSamplerOptions? options = null, int label = -1)
    {
        options ??= new FrameSamplerOptions();
        return Enumerable.Range(0, options.ClipsPerVideo).Select(k => Sample(source, options, k, label)).ToList();
    }

    /// <summary>One clip as a managed array (what the data loader's workers call).</summary>
    public static SampledClip SamplePixels(string source, FrameSamplerOptions options, int clipIndex = 0)
    {
        using var frames = DecodeClip(source, options, clipIndex, out var indices, out var info, out var count);
        var first = frames.Frames[indices[0]];
        var geometry = Geometry(first.Width, first.Height, options, source, clipIndex);
        var pixels = ToPixels(indices, frames.Frames, geometry, options, source);
        return new SampledClip(pixels, indices, options.Layout, options.Normalization, geometry, count, source);
    }

    /// <summary>The decoded frames of one clip (BGR, source size), keyed by index; dispose the result.</summary>
    public static FrameSource.ReadResult DecodeClip(string source, FrameSamplerOptions options, int clipIndex,
        out int[] indices, out VideoInfo info, out int frameCount)
    {
        options.Validate();
        using var src = FrameSource.Open(source);
        info = src.Info;
        double fps = info.IsFrameFolder ? options.FolderFramesPerSecond : info.FramesPerSecond;
        frameCount = info.ClaimedFrameCount > 0 ? info.ClaimedFrameCount : src.CountDecodableFrames();
        indices = Indices(frameCount, options, clipIndex, fps, source);
        var result = src.Read(indices.Distinct().ToArray());
        if (result.FirstMissing is null) return result;

        // The container promised frames that do not decode (truncated file, wrong header): count the real ones
        // and sample again from those.
        result.Dispose();
        frameCount = src.CountDecodableFrames();
        indices = Indices(frameCount, options, clipIndex, fps, source);
        result = src.Read(indices.Distinct().ToArray());
        if (result.FirstMissing is { } missing)
        {
            result.Dispose();
            throw new InvalidDataException(
                $"{source}: frame {missing} cannot be decoded although {frameCount} frames were counted (damaged " +
                "video).");
        }
        return result;
    }

    /// <summary>Raw frames (8-bit BGR, source size) at given indices, e.g. to save them as images. Dispose
    /// each.</summary>
    public static IReadOnlyList<Mat> ReadFrames(string source, IReadOnlyList<int> indices)
    {
        using var src = FrameSource.Open(source);
        var wanted = indices.Distinct().Order().ToArray();
        using var result = src.Read(wanted);
        if (result.FirstMissing is { } missing)
            throw new InvalidDataException($"{source}: frame {missing} cannot be decoded.");
        return indices.Select(i => result.Frames[i].Clone()).ToList();
    }

    /// <summary>Resize of the shorter side, then a centre or random square crop, and the optional flip.</summary>
    public static FrameGeometry Geometry(int width, int height, FrameSamplerOptions o, string source = "video",
        int clipIndex = 0)
    {
        int rw = width, rh = height;
        if (o.ResizeTo is { } exact) (rw, rh) = exact;
        else if (o.ResizeShorterSide > 0)
        {
            double scale = (double)o.ResizeShorterSide / Math.Min(width, height);
            rw = width <= height ? o.ResizeShorterSide : Math.Max(1, (int)Math.Round(width * scale));
            rh = height < width ? o.ResizeShorterSide : Math.Max(1, (int)Math.Round(height * scale));
        }
        int cw = rw, ch = rh, cx = 0, cy = 0;
        if (o.CropSize > 0)
        {
            if (o.CropSize > rw || o.CropSize > rh)
                throw new InvalidDataException(
                    $"{source}: frames are {rw}x{rh} (after resizing), smaller than the {o.CropSize}px crop.");
            cw = ch = o.CropSize;
            if (o.Crop == CropMode.Center) { cx = (rw - cw) / 2; cy = (rh - ch) / 2; }
            else
            {
                var rng = new Random(unchecked(o.Seed * 1000003 + clipIndex * 7919 + StableHash(source)));
                cx = rng.Next(0, rw - cw + 1);
                cy = rng.Next(0, rh - ch + 1);
            }
        }
        return new FrameGeometry(new FrameSize(width, height), new FrameSize(rw, rh), new Box(cx, cy, cw, ch),
            o.FlipHorizontal);
    }

    static float[] ToPixels(int[] indices, Dictionary<int, Mat> frames, FrameGeometry g, FrameSamplerOptions o,
        string source)
    {
        int t = indices.Length, h = g.Crop.Height, w = g.Crop.Width, plane = h * w;
        var pixels = new float[t * 3 * plane];
        var mean = o.Normalization.Mean; var std = o.Normalization.Std;
        var bytes = new byte[plane * 3];
        for (int ti = 0; ti < t; ti++)
        {
            var frame = frames[indices[ti]];
            if (frame.Width != g.Source.Width || frame.Height != g.Source.Height)
                throw new InvalidDataException(
                    $"{source}: frame {indices[ti]} is {frame.Width}x{frame.Height}, frame {indices[0]} was " +
                    $"{g.Source.Width}x{g.Source.Height}.");
            using var mapped = g.Apply(frame);
            using var rgb = new Mat();
            Cv2.CvtColor(mapped, rgb, ColorConversionCodes.BGR2RGB);
            System.Runtime.InteropServices.Marshal.Copy(rgb.Data, bytes, 0, bytes.Length);   // [H,W,3] continuous
            for (int c = 0; c < 3; c++)
            {
                // [C,T,H,W] or [T,C,H,W]
                int start = o.Layout == ClipLayout.CTHW ? (c * t + ti) * plane : (ti * 3 + c) * plane;
                float m = mean[c], s = 255f * std[c];
                for (int p = 0; p < plane; p++) pixels[start + p] = (bytes[p * 3 + c] - 255f * m) / s;
            }
        }
        return pixels;
    }

    /// <summary>A hash of a string that is the same in every process (string.GetHashCode is not).</summary>
    public static int StableHash(string text)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (var ch in text) { h ^= ch; h *= 16777619; }
            return (int)h;
        }
    }
}
