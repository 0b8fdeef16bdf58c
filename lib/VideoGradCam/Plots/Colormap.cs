using static TorchSharp.torch;

namespace VideoGradCam.Plots;

/// <summary>
/// The colormap of every CAM overlay: <b>jet</b> (MATLAB's; OpenCV's COLORMAP_JET), from dark blue (0, low) through
/// cyan, yellow to dark red (1, high): high = warm. Piecewise linear: r = clamp(1.5 - |4v - 3|), g = clamp(1.5 - |4v -
/// 2|), b = clamp(1.5 - |4v - 1|).
/// </summary>
public static class Colormap
{
    public const string Name = "jet";

    /// <summary>Plotly's name for the same map (for heatmap figures).</summary>
    public const string PlotlyName = "Jet";

    /// <summary>Values in [0,1] (clamped), any shape [...] -> RGB in [0,1], shape [..., 3].</summary>
    public static Tensor Jet(Tensor values)
    {
        var v = values.to(ScalarType.Float32).clamp(0, 1) * 4;
        Tensor Channel(double centre) => (1.5 - (v - centre).abs()).clamp(0, 1);
        return stack([Channel(3), Channel(2), Channel(1)], -1);
    }

    /// <summary>One value in [0,1] -> (r, g, b) bytes.</summary>
    public static (byte R, byte G, byte B) Jet(double value)
    {
        double v = Math.Clamp(value, 0, 1) * 4;
        byte C(double centre) => (byte)Math.Round(255 * Math.Clamp(1.5 - Math.Abs(v - centre), 0, 1));
        return (C(3), C(2), C(1));
    }
}
