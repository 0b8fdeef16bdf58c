using static TorchSharp.torch;

namespace VideoGradCam.Video;

/// <summary>A batch for training or evaluation: clips <c>[B,C,T,H,W]</c> (float, normalised) and labels <c>[B]</c>
/// (int64).</summary>
public sealed record VideoBatch(Tensor Clips, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        Clips.Dispose();
        Labels.Dispose();
    }
}
