using OpenCvSharp;
using VideoGradCam.Runtime;
using static TorchSharp.torch;
using Size = OpenCvSharp.Size;

namespace VideoGradCam.Plots;

/// <summary>Writes an overlaid clip as MP4 (mp4v: MPEG-4 Part 2, the only MP4 codec OpenCvSharp's FFmpeg has here;
/// desktop players read it, browsers do not). Written to a temp name then renamed.</summary>
public static class CamVideoWriter
{
    /// <param name="frames">RGB bytes [T,H,W,3] (e.g. from <see cref="CamOverlay.Blend"/>).</param>
    public static void WriteMp4(string path, Tensor frames, double fps = 8, int scale = 1)
    {
        if (frames.dim() != 4 || frames.shape[3] != 3 || frames.dtype != ScalarType.Byte)
            throw new ArgumentException($"{path}: frames must be RGB bytes [T,H,W,3]; got {frames.dtype} [{string.Join(",", frames.shape)}].");
        if (scale < 1) throw new ArgumentException($"{path}: scale must be at least 1.");
        int h = (int)frames.shape[1] * scale, w = (int)frames.shape[2] * scale;
        AtomicFile.Write(path, tmp =>
        {
            using var writer = new VideoWriter(tmp, FourCC.MP4V, fps, new Size(w, h));
            if (!writer.IsOpened()) throw new IOException($"{path}: OpenCV could not open an mp4v writer.");
            for (int t = 0; t < frames.shape[0]; t++)
            {
                using var frame = frames[t];
                using var bgr = CamOverlay.ToBgrMat(frame);
                if (scale == 1) writer.Write(bgr);
                else
                {
                    using var big = new Mat();
                    Cv2.Resize(bgr, big, new Size(w, h), interpolation: InterpolationFlags.Nearest);
                    writer.Write(big);
                }
            }
            writer.Release();
        });
    }
}
