namespace VideoGradCam.Plots;

/// <summary>
/// The MP4s of many clips, written as they come: one <see cref="Mp4Stream"/> (one ffmpeg) for all clips of a shape,
/// started by the first clip and replaced when the shape changes; without ffmpeg each clip is written alone by
/// <see cref="CamVideoWriter.WriteMp4(string, byte[], int, int, int, double)"/>. Thread-safe. A clip's callback runs
/// once its MP4 is in place (see <see cref="Mp4Stream.Add"/>); <see cref="Complete"/> finishes the rest.
/// </summary>
/// <param name="scratch">the folder for the streams' segments (removed when the last stream ends).</param>
/// <param name="minWidth">the narrowest video an <see cref="Mp4Stream"/> writes.</param>
public sealed class ClipVideos(string scratch, double fps = 8, int minWidth = CamVideoWriter.MinWidth) : IDisposable
{
    readonly object _lock = new();
    readonly string? _ffmpeg = CamVideoWriter.FindFfmpeg();
    Mp4Stream? _stream;
    int _streams;

    public void Add(string path, byte[] frames, int t, int h, int w, Action written)
    {
        if (_ffmpeg is null)
        {
            CamVideoWriter.WriteMp4(path, frames, t, h, w, fps);
            written();
            return;
        }
        // Adds are serial anyway (one ffmpeg reads one stream); holding the lock keeps a shape change from ending the
        // stream under another writer.
        lock (_lock)
        {
            if (_stream is not null && (_stream.T, _stream.H, _stream.W) != (t, h, w))
            {
                _stream.Complete();
                _stream.Dispose();
                _stream = null;
            }
            _stream ??= new Mp4Stream(_ffmpeg, Path.Combine(scratch, $"{Environment.ProcessId}-{++_streams}"), t, h,
                w, fps, minWidth);
            _stream.Add(path, frames, written);
        }
    }

    /// <summary>Waits for the last MP4s and runs their callbacks. IOException when ffmpeg failed.</summary>
    public void Complete()
    {
        lock (_lock) _stream?.Complete();
        Dispose();
    }

    /// <summary>Stops ffmpeg if it still runs and removes the scratch folder.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
            if (Directory.Exists(scratch) && !Directory.EnumerateFileSystemEntries(scratch).Any())
                Directory.Delete(scratch);
        }
    }
}
