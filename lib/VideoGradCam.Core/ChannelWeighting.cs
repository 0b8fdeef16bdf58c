using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>
/// How each method turns activations A and gradients G (both <c>[B,C,t,h,w]</c>; images have t = 1) into a raw map.
/// This is the only place the five methods differ (pytorch-grad-cam's <c>get_cam_weights</c> split).
/// <para>Pooled methods (Grad-CAM, Grad-CAM++, XGradCAM) compute one weight per channel over the pooled axes:
/// t, h, w for <see cref="TemporalWeighting.Global"/>, h and w per time step for
/// <see cref="TemporalWeighting.TimeResolved"/>. Position methods (HiResCAM, LayerCAM) weight every position
/// separately, so the weighting does not apply.</para>
/// </summary>
internal static class ChannelWeighting
{
    /// <summary>Weights broadcastable to A: <c>[B,C,1,1,1]</c> (global), <c>[B,C,t,1,1]</c> (time-resolved) or
    /// <c>[B,C,t,h,w]</c> (per position).</summary>
    public static Tensor Compute(CamMethod method, Tensor activation, Tensor gradient, TemporalWeighting weighting)
    {
        long[] pooled = weighting == TemporalWeighting.Global ? [2, 3, 4] : [3, 4];
        return method switch
        {
            CamMethod.GradCam => GradCam(gradient, pooled),
            CamMethod.GradCamPlusPlus => GradCamPlusPlus(activation, gradient, pooled),
            CamMethod.XGradCam => XGradCam(activation, gradient, pooled),
            CamMethod.HiResCam => HiResCam(gradient),
            CamMethod.LayerCam => LayerCam(gradient),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };
    }

    /// <summary>True for the methods whose weights are per position (HiResCAM, LayerCAM).</summary>
    public static bool IsPerPosition(CamMethod method) => method is CamMethod.HiResCam or CamMethod.LayerCam;

    /// <summary>w_c = mean over the pooled axes of G_c.</summary>
    public static Tensor GradCam(Tensor g, long[] pooled) => g.mean(pooled, keepdim: true);

    /// <summary>Grad-CAM++ (eq. 19): alpha = G^2 / (2 G^2 + sum(A) G^3), w_c = sum over pooled axes of alpha ReLU(G).
    /// alpha is taken where G &gt; 0 only (elsewhere ReLU(G) = 0 anyway), so a vanishing denominator never makes
    /// NaN.</summary>
    public static Tensor GradCamPlusPlus(Tensor a, Tensor g, long[] pooled)
    {
        const double eps = 1e-6;
        var g2 = g.pow(2);
        var g3 = g2 * g;
        var sumA = a.sum(pooled, keepdim: true);
        var alpha = g2 / (2 * g2 + sumA * g3 + eps);
        alpha = where(g > 0, alpha, zeros_like(alpha));
        return (alpha * g.relu()).sum(pooled, keepdim: true);
    }

    /// <summary>XGradCAM: w_c = sum(G_c A_c) / (sum(A_c) + eps) over the pooled axes.</summary>
    public static Tensor XGradCam(Tensor a, Tensor g, long[] pooled)
    {
        const double eps = 1e-7;
        var sumA = a.sum(pooled, keepdim: true);
        return (g * a / (sumA + eps)).sum(pooled, keepdim: true);
    }

    /// <summary>HiResCAM: the weight of every position is its gradient (map = sum_c G_c * A_c).</summary>
    public static Tensor HiResCam(Tensor g) => g.alias();

    /// <summary>LayerCAM: the weight of every position is ReLU of its gradient.</summary>
    public static Tensor LayerCam(Tensor g) => g.relu();
}
