using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>
/// One explanation of a batch. All tensors are detached and owned by this object (dispose it).
/// </summary>
public sealed class CamResult : IDisposable
{
    /// <summary>[B,T,H,W] in [0,1] at input resolution (T = 1 for images), min-max normalised per clip after
    /// upsampling.</summary>
    public required Tensor Maps { get; init; }

    /// <summary>[B,t,h,w] at the layer's resolution: ReLU(sum_c w_c A_c), unnormalised (t = 1 for images).</summary>
    public required Tensor RawMaps { get; init; }

    /// <summary>Channel weights, C last: <c>[B,C]</c> for global weighting, <c>[B,t,C]</c> for time-resolved weighting,
    /// <c>[B,t,h,w,C]</c> for the per-position methods (HiResCAM: the gradient itself; LayerCAM: its ReLU).</summary>
    public required Tensor Weights { get; init; }

    /// <summary>[B,T]: share of map energy (sum of <see cref="Maps"/>) in each frame; rows sum to 1, or are all zero
    /// for an all-zero map.</summary>
    public required Tensor FrameImportance { get; init; }

    /// <summary>[B,T]: share of the gradient's L2 norm in each time step of the layer, linearly resampled to T
    /// (an alternative temporal curve that does not depend on the method's weighting); rows sum to 1 or are
    /// zero.</summary>
    public required Tensor GradientImportance { get; init; }

    /// <summary>The model's outputs, detached (e.g. "logits", "attention").</summary>
    public required IReadOnlyDictionary<string, Tensor> Outputs { get; init; }

    /// <summary>The target each sample was explained for: the given ones, or the predicted classes by
    /// default.</summary>
    public required IReadOnlyList<ICamTarget> Targets { get; init; }

    public void Dispose()
    {
        Maps.Dispose();
        RawMaps.Dispose();
        Weights.Dispose();
        FrameImportance.Dispose();
        GradientImportance.Dispose();
        foreach (var t in Outputs.Values) t.Dispose();
    }
}
