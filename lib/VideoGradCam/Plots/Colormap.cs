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

    /// <summary>One channel (0 red, 1 green, 2 blue) of the colour of a value in [0,1] (clamped), in [0,1]; computed
    /// in float32, the one formula every overlay uses.</summary>
    public static float Channel(float value, int channel) =>
        Math.Clamp(1.5f - MathF.Abs(Math.Clamp(value, 0f, 1f) * 4 - (3 - channel)), 0f, 1f);

    /// <summary>One value in [0,1] -> (r, g, b) bytes.</summary>
    public static (byte R, byte G, byte B) Jet(double value)
    {
        byte C(int channel) => (byte)MathF.Round(255 * Channel((float)value, channel));
        return (C(0), C(1), C(2));
    }
}
