using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace VideoGradCam.Video;

/// <summary>What a video file or frame folder says about itself, before any frame is decoded.</summary>
/// <param name="ClaimedFrameCount">the container's frame count (may be wrong, or 0 when unknown); exact for
/// folders.</param>
public sealed record VideoInfo(string Path, bool IsFrameFolder, int ClaimedFrameCount, double FramesPerSecond,
    int Width, int Height);

/// <summary>
/// Decodes chosen frames of one video file or frame-image folder. Frames come back as 8-bit BGR
/// (grayscale and alpha are converted). Reading stops at the first frame that cannot be decoded; the caller
/// learns where (<see cref="ReadResult.FirstMissing"/>), because container frame counts can lie.
/// </summary>
public abstract class FrameSource : IDisposable
{
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"];

    public abstract VideoInfo Info { get; }

    /// <summary>Frames read (index -> BGR image), and the first requested index that could not be read (null if
    /// none).</summary>
    public sealed record ReadResult(Dictionary<int, Mat> Frames, int? FirstMissing) : IDisposable
    {
        public void Dispose() { foreach (var m in Frames.Values) m.Dispose(); }
    }

    /// <summary>Reads the frames at <paramref name="ascendingIndices"/> (sorted, distinct).</summary>
    public abstract ReadResult Read(IReadOnlyList<int> ascendingIndices);

    /// <summary>Counts the frames that really decode (slow for videos: decodes from where it must).</summary>
    public abstract int CountDecodableFrames();

    public abstract void Dispose();

    /// <summary>Opens a video file or a folder of frame images; errors name the path and the problem.</summary>
    public static FrameSource Open(string path)
    {
        if (Directory.Exists(path)) return new FrameFolderSource(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such video file or frame folder.", path);
        return new VideoFileSource(path);
    }

    internal static Mat ToBgr(Mat m)
    {
        if (m.Depth() != MatType.CV_8U)
        {
            var eight = new Mat();
            m.ConvertTo(eight, MatType.CV_8U, m.Depth() == MatType.CV_16U ? 1.0 / 257 : 1.0);
            m.Dispose();
            m = eight;
        }
        if (m.Channels() == 3) return m;
        var bgr = new Mat();
        Cv2.CvtColor(m, bgr, m.Channels() == 1 ? ColorConversionCodes.GRAY2BGR : ColorConversionCodes.BGRA2BGR);
        m.Dispose();
        return bgr;
    }
}

/// <summary>
/// A video file through OpenCV's FFmpeg backend. Decoding cost follows the frames asked for: gaps are either
/// read through with <c>grab()</c> (decode without colour conversion) or skipped with a seek
/// (<c>CAP_PROP_POS_FRAMES</c>). A seek costs a decode from the keyframe before the target plus OpenCV's own
/// overhead, which depends on the file's keyframe interval, so the reader measures both costs on the file at hand:
/// it reads through the first gap (learning the cost of a frame), tries one seek on the first large gap, and from
/// then on seeks only while a seek has cost less than reading through the gap would
/// (<see cref="ShouldSeek"/>). With short keyframe intervals the cost follows the frames sampled; with long ones it
/// stays at reading on up to the last sampled frame, plus at most one trial seek.
/// </summary>
public sealed class VideoFileSource : FrameSource
{
    /// <summary>Gaps of at most this many frames are always read through (a seek never pays off there).</summary>
    public const int AlwaysGrabGap = 4;

    /// <summary>The first seek is tried on a gap of at least this many frames.</summary>
    public const int TrialSeekGap = 16;

    /// <summary>The decision rule: seek over <paramref name="gap"/> frames when the measured cost of a seek
    /// (<paramref name="seekMs"/>, NaN = not yet measured) is below reading through the gap.</summary>
    public static bool ShouldSeek(int gap, double grabMs, double seekMs)
    {
        if (gap <= AlwaysGrabGap || double.IsNaN(grabMs)) return false;
        if (double.IsNaN(seekMs)) return gap >= TrialSeekGap;
        return seekMs < (gap + 1) * grabMs;
    }

    readonly string _path;
    VideoCapture _capture;
    int _position;                       // index of the frame the next grab() returns
    double _grabMs = double.NaN, _seekMs = double.NaN;

    public override VideoInfo Info { get; }

    /// <summary>Counts of decoder calls in the last <see cref="Read"/> (for tests and the benchmark).</summary>
    public int Grabs { get; private set; }
    public int Seeks { get; private set; }

    public VideoFileSource(string path)
    {
        _path = path;
        _capture = OpenCapture(path);
        var count = _capture.Get(VideoCaptureProperties.FrameCount);
        Info = new VideoInfo(path, false, double.IsFinite(count) && count > 0 ? (int)Math.Round(count) : 0,
            _capture.Fps is > 0 and < 1000 ? _capture.Fps : 25, _capture.FrameWidth, _capture.FrameHeight);
    }

    static VideoCapture OpenCapture(string path)
    {
        var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            var size = new FileInfo(path).Length;
            throw new InvalidDataException(size == 0
                ? $"{path}: the file is empty (0 bytes), not a video."
                : $"{path}: cannot be opened as a video by OpenCV's FFmpeg backend (not a video, unknown codec or " +
                  "damaged header).");
        }
        return capture;
    }

    void Reopen()
    {
        _capture.Dispose();
        _capture = OpenCapture(_path);
        _position = 0;
    }

    public override ReadResult Read(IReadOnlyList<int> ascendingIndices)
    {
        Grabs = 0; Seeks = 0;
        var frames = new Dictionary<int, Mat>();
        var clock = new Stopwatch();
        foreach (var index in ascendingIndices)
        {
            if (index < _position) Reopen();         // asked to go back: start over (rare: a second pass)
            int gap = index - _position;
            bool seek = ShouldSeek(gap, _grabMs, _seekMs);
            var frame = new Mat();
            clock.Restart();
            if (seek)
            {
                _capture.Set(VideoCaptureProperties.PosFrames, index);
                Seeks++;
            }
            else
            {
                while (_position < index)
                {
                    if (!_capture.Grab()) { frame.Dispose(); return new ReadResult(frames, _position); }
                    _position++;
                    Grabs++;
                }
            }
            bool ok = _capture.Read(frame) && !frame.Empty();
            clock.Stop();
            if (!ok) { frame.Dispose(); return new ReadResult(frames, index); }
            _position = index + 1;
            var ms = clock.Elapsed.TotalMilliseconds;
            if (seek) _seekMs = Average(_seekMs, ms);
            else _grabMs = Average(_grabMs, ms / (gap + 1));
            frames[index] = ToBgr(frame);
        }
        return new ReadResult(frames, null);
    }

    static double Average(double old, double now) => double.IsNaN(old) ? now : 0.7 * old + 0.3 * now;

    public override int CountDecodableFrames()
    {
        Reopen();
        int n = 0;
        while (_capture.Grab()) n++;
        Reopen();
        return n;
    }

    public override void Dispose() => _capture.Dispose();
}

/// <summary>A folder of frame images, ordered by the number in their names (frame2 before frame10).</summary>
public sealed class FrameFolderSource : FrameSource
{
    readonly string[] _files;
    public override VideoInfo Info { get; }
    public IReadOnlyList<string> Files => _files;

    public FrameFolderSource(string folder, double framesPerSecond = 25)
    {
        _files = Directory.EnumerateFiles(folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.')
                && ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => Path.GetFileName(f), NumericNameComparer.Instance).ToArray();
        if (_files.Length == 0)
            throw new InvalidDataException(
                $"{folder}: no frame images ({string.Join(", ", ImageExtensions)}) in this folder.");
        using var first = ReadImage(_files[0]);
        Info = new VideoInfo(folder, true, _files.Length, framesPerSecond, first.Width, first.Height);
    }

    static Mat ReadImage(string file)
    {
        var m = Cv2.ImRead(file, ImreadModes.Unchanged);
        if (m.Empty()) { m.Dispose(); throw new InvalidDataException($"{file}: not a readable image."); }
        return ToBgr(m);
    }

    public override ReadResult Read(IReadOnlyList<int> ascendingIndices)
    {
        var frames = new Dictionary<int, Mat>();
        foreach (var i in ascendingIndices)
        {
            if (i >= _files.Length) return new ReadResult(frames, i);
            frames[i] = ReadImage(_files[i]);
        }
        return new ReadResult(frames, null);
    }

    public override int CountDecodableFrames() => _files.Length;

    public override void Dispose() { }
}

/// <summary>Orders names by their digit runs as numbers: "img2.png" before "img10.png".</summary>
public sealed partial class NumericNameComparer : IComparer<string>
{
    public static readonly NumericNameComparer Instance = new();

    [GeneratedRegex(@"\d+|\D+")]
    private static partial Regex Parts();

    public int Compare(string? x, string? y)
    {
        var a = Parts().Matches(x ?? ""); var b = Parts().Matches(y ?? "");
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            string p = a[i].Value, q = b[i].Value;
            int c = char.IsDigit(p[0]) && char.IsDigit(q[0])
                ? CompareNumbers(p, q)
                : string.CompareOrdinal(p, q);
            if (c != 0) return c;
        }
        return a.Count.CompareTo(b.Count);
    }

    static int CompareNumbers(string p, string q)
    {
        string a = p.TrimStart('0'), b = q.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}
