using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace VideoGradCam.Plots;

/// <summary>
/// Many clips of one shape, each to its own H.264 MP4, through one long-lived ffmpeg (its start-up costs as much CPU
/// as encoding dozens of short clips). The clips go in as one stream with a key frame at each clip's first frame;
/// ffmpeg's segment muxer cuts the stream at those key frames into numbered files in a scratch folder and names each
/// file on its standard output once the file is complete; the file is then renamed to its clip's path and the clip's
/// callback runs. A clip's file is complete once the next clip's first frame is encoded, or at
/// <see cref="Complete"/>. Thread-safe: writers share one stream; callbacks run on the thread of a later
/// <see cref="Add"/> or of <see cref="Complete"/>, one at a time, in the order the clips were added.
/// </summary>
public sealed class Mp4Stream : IDisposable
{
    sealed record Pending(string Path, Action? Written);

    readonly object _lock = new();
    readonly Process _ffmpeg;
    readonly Stream _stdin;
    readonly string _scratch;
    readonly Task<string> _errors;
    readonly Task _segmentNames;
    readonly ConcurrentQueue<string> _finished = new();
    readonly Queue<Pending> _pending = new();
    readonly byte[] _frame;
    readonly int _scale;
    bool _completed;

    /// <summary>The clips' shape: frames, height and width (before enlarging, see
    /// <see cref="CamVideoWriter.EnlargedSize"/>; <see cref="VideoWidth"/> after).</summary>
    public int T { get; }
    public int H { get; }
    public int W { get; }
    public int VideoWidth => W * _scale;

    /// <param name="scratch">a folder for the segments (created; deleted by <see cref="Complete"/> and
    /// <see cref="Dispose"/>); on the paths' file system, so that a rename moves a file.</param>
    /// <param name="minWidth">the narrowest video (see <see cref="CamVideoWriter.EnlargedSize"/>).</param>
    public Mp4Stream(string ffmpeg, string scratch, int t, int h, int w, double fps = 8,
        int minWidth = CamVideoWriter.MinWidth)
    {
        (T, H, W) = (t, h, w);
        var (width, height) = CamVideoWriter.EnlargedSize(w, h, minWidth);
        _scale = width / w;
        _frame = new byte[width * height * 3 / 2];
        _scratch = Directory.CreateDirectory(scratch).FullName;
        string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Key frames exactly at each clip's start (a GOP of one clip, no scene-cut key frames); the segment muxer cuts
        // at the first key frame a clip's duration after the last cut (half a frame of slack) and lists each finished
        // segment on stdout. One encoder thread: writers and the explainer already share the cores, and a single
        // thread adds no frame delay. Data-set scale favours encoding time: x264's ultrafast preset.
        foreach (var a in new[]
                 {
                     "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", $"{width}x{height}",
                     "-r", Number(fps), "-i", "-", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
                     "-crf", "26", "-g", $"{t}", "-keyint_min", $"{t}", "-sc_threshold", "0",
                     "-f", "segment", "-segment_time", Number(t / fps), "-segment_time_delta", Number(0.5 / fps),
                     "-reset_timestamps", "1", "-segment_format", "mp4",
                     "-segment_format_options", "movflags=+faststart", "-segment_list", "pipe:1",
                     "-segment_list_type", "flat", Path.Combine(_scratch, "%08d.mp4"),
                 })
            psi.ArgumentList.Add(a);
        _ffmpeg = Process.Start(psi) ?? throw new IOException($"Cannot start {ffmpeg}.");
        _stdin = _ffmpeg.StandardInput.BaseStream;
        _errors = _ffmpeg.StandardError.ReadToEndAsync();
        var names = _ffmpeg.StandardOutput;
        _segmentNames = Task.Run(() =>
        {
            while (names.ReadLine() is { } line)
                if (line.Length > 0) _finished.Enqueue(line);
        });
    }

    /// <summary>Encodes a clip; its MP4 appears at <paramref name="path"/> (written through a rename) later, then
    /// <paramref name="written"/> runs. Runs the callbacks of the clips finished so far. IOException when ffmpeg
    /// failed.</summary>
    /// <param name="frames">RGB bytes <c>[T,H,W,3]</c> of this stream's shape.</param>
    public void Add(string path, byte[] frames, Action? written = null)
    {
        if (frames.Length != T * H * W * 3) throw new ArgumentException(
            $"{path}: {frames.Length} bytes are not RGB frames [{T},{H},{W},3].");
        lock (_lock)
        {
            if (_completed) throw new InvalidOperationException($"{path}: the MP4 stream is complete.");
            _pending.Enqueue(new Pending(path, written));
            try
            {
                for (int t = 0; t < T; t++)
                {
                    CamVideoWriter.EnlargeToYuv420(frames, t * H * W * 3, H, W, _scale, _frame);
                    _stdin.Write(_frame);
                }
            }
            catch (IOException)
            {
                _ffmpeg.WaitForExit();
                throw Failure(path);
            }
            MoveFinished();
        }
    }

    /// <summary>Ends the stream: waits for ffmpeg, moves every remaining MP4 into place and runs its callback, deletes
    /// the scratch folder. IOException when ffmpeg failed or wrote fewer files than clips.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_completed) return;
            _completed = true;
            try { _stdin.Close(); }
            catch (IOException) { /* ffmpeg stopped early: its message below says why */ }
            _ffmpeg.WaitForExit();
            _segmentNames.Wait();
            var last = _pending.Count > 0 ? _pending.Last().Path : "MP4 stream";
            if (_ffmpeg.ExitCode != 0) throw Failure(last);
            MoveFinished();
            if (_pending.Count > 0) throw new IOException(
                $"{_pending.Peek().Path}: ffmpeg wrote no file for the last {_pending.Count} clip(s) of its stream.");
            Directory.Delete(_scratch, recursive: true);
        }
    }

    /// <summary>Stops ffmpeg if it still runs (files not yet moved are dropped) and deletes the scratch
    /// folder.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _completed = true;
            try
            {
                if (!_ffmpeg.HasExited) _ffmpeg.Kill(entireProcessTree: true);
                _ffmpeg.WaitForExit();
            }
            catch (InvalidOperationException) { /* never started or already reaped */ }
            _ffmpeg.Dispose();
            if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
        }
    }

    void MoveFinished()
    {
        while (_finished.TryDequeue(out var name))
        {
            if (!_pending.TryDequeue(out var clip)) throw new IOException(
                $"{_scratch}: ffmpeg finished segment {name} with no clip waiting for it.");
            var segment = Path.Combine(_scratch, Path.GetFileName(name));
            if (!File.Exists(segment)) throw new IOException($"{clip.Path}: ffmpeg listed {name} but wrote no file.");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(clip.Path))!);
            File.Move(segment, clip.Path, overwrite: true);
            clip.Written?.Invoke();
        }
    }

    IOException Failure(string what) =>
        new($"{what}: ffmpeg failed ({_ffmpeg.ExitCode}): {_errors.Result.Trim()}");
}
