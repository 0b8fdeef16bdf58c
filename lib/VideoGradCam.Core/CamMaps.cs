using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>The map operations shared by every method: upsampling, normalisation and temporal importance.</summary>
internal static class CamMaps
{
    /// <summary>[B,t,h,w] -> [B,T,H,W]. Volume: trilinear over (t,h,w); framewise and image: bilinear per frame.
    /// align_corners = false throughout.</summary>
    public static Tensor Upsample(Tensor raw, ActivationLayout layout, (int T, int H, int W) size)
    {
        long b = raw.shape[0], t = raw.shape[1];
        if (layout == ActivationLayout.Volume)
            return nn.functional.interpolate(raw.unsqueeze(1), [size.T, size.H, size.W],
                mode: InterpolationMode.Trilinear, align_corners: false)
                .squeeze(1);                                               // [B,1,t,h,w] -> [B,1,T,H,W] -> [B,T,H,W]
        var frames = raw.reshape(b * t, 1, raw.shape[2], raw.shape[3]);    // [B,t,h,w] -> [B*t,1,h,w]
        var up =
            nn.functional.interpolate(frames, [size.H, size.W], mode: InterpolationMode.Bilinear, align_corners: false);
        // -> [B,t,H,W] (t = T for framewise, 1 for images)
        return up.reshape(b, t, size.H, size.W);
    }

    /// <summary>Min-max per clip over (T,H,W). A constant clip (all-zero included) becomes all zeros, never NaN.
    /// "Constant" allows float rounding: bilinear upsampling of a 1x1 map is constant only up to a few ulps, and
    /// stretching those to [0,1] would draw a pattern that is not in the model.</summary>
    public static Tensor NormalisePerClip(Tensor maps)
    {
        var flat = maps.flatten(1);
        var min = flat.amin([1], keepdim: true);
        var max = flat.amax([1], keepdim: true);
        var range = max - min;
        var varies = range > maximum(max.abs(), min.abs()) * 1e-5;
        var safe = where(varies, range, ones_like(range));
        var normalised = where(varies, (flat - min) / safe, zeros_like(flat));
        return normalised.reshape(maps.shape).clamp(0, 1);
    }

    /// <summary>[B,T,H,W] -> [B,T]: share of the map's sum in each frame (zeros for an all-zero map).</summary>
    public static Tensor FrameEnergyShare(Tensor maps) => ShareOfRow(maps.flatten(2).sum(2));

    /// <summary>Gradient <c>[B,C,t,h,w]</c> -> [B,T]: share of the gradient's L2 norm per layer time step, resampled
    /// linearly to T.</summary>
    public static Tensor GradientNormShare(Tensor gradient, int frames)
    {
        var perStep = gradient.pow(2).sum([1, 3, 4]).sqrt();              // [B,t]
        if (perStep.shape[1] != frames)
            perStep = nn.functional.interpolate(perStep.unsqueeze(1), [frames], mode: InterpolationMode.Linear,
                align_corners: false).squeeze(1);
        return ShareOfRow(perStep);
    }

    /// <summary>Rows divided by their sums; a row summing to zero stays zero.</summary>
    public static Tensor ShareOfRow(Tensor x)
    {
        var total = x.sum(1, keepdim: true);
        return where(total > 0, x / where(total > 0, total, ones_like(total)), zeros_like(x));
    }
}
