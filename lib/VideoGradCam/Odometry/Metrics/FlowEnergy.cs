using VideoGradCam.Odometry.Geometry;

namespace VideoGradCam.Odometry.Metrics;

/// <summary>How much of a map's energy falls where the scene moves most.</summary>
/// <param name="Share">the map's sum over the moving pixels / its sum over the frame.</param>
/// <param name="AreaShare">the moving pixels' share of the frame: what a uniform map puts there.</param>
/// <param name="Ratio">Share / AreaShare: above 1 when the map concentrates where the flow is large; NaN for an
/// all-zero map (no energy to place) or a frame where nothing moves.</param>
public sealed record FlowEnergyResult(double Share, double AreaShare, double Ratio);

/// <summary>
/// Map energy where the optical flow is large (<see cref="RigidFlow"/>), against a uniform map: the moving pixels are
/// the <c>top</c> share of the frame with the largest flow length (ties broken by pixel order, so the area is exactly
/// that share; pixels with zero flow never count as moving). The energy is the map's own values, as Grad-CAM gives them
/// (ReLU, upsampled, min-max scaled to [0,1]), summed.
/// </summary>
public static class FlowEnergy
{
    /// <summary>The share of the frame counted as moving: the quarter of its pixels with the largest flow.</summary>
    public const double DefaultTop = 0.25;

    /// <param name="map">a map [H,W], non-negative.</param>
    /// <param name="flowLength">the flow's length per pixel [H,W] (<see cref="RigidFlow.Magnitude"/>).</param>
    public static FlowEnergyResult Of(float[,] map, float[,] flowLength, double top = DefaultTop)
    {
        int h = map.GetLength(0), w = map.GetLength(1), n = h * w;
        if (flowLength.GetLength(0) != h || flowLength.GetLength(1) != w)
            throw new ArgumentException(
                $"The map is {w}x{h} but the flow is {flowLength.GetLength(1)}x{flowLength.GetLength(0)}.");
        if (!(top > 0 && top < 1)) throw new ArgumentOutOfRangeException(nameof(top), top,
            "The moving share must lie strictly between 0 and 1.");
        int k = Math.Max(1, (int)Math.Round(top * n));
        var moving = Enumerable.Range(0, n).Where(i => flowLength[i / w, i % w] > 0)
            .OrderByDescending(i => flowLength[i / w, i % w]).ThenBy(i => i).Take(k).ToArray();
        double total = 0;
        foreach (var v in map)
        {
            if (v < 0 || !float.IsFinite(v)) throw new ArgumentException(
                $"A map value is {v}: the flow-energy share needs a non-negative map.");
            total += v;
        }
        double area = (double)moving.Length / n;
        if (total <= 0 || moving.Length == 0) return new FlowEnergyResult(double.NaN, area, double.NaN);
        double share = moving.Sum(i => (double)map[i / w, i % w]) / total;
        return new FlowEnergyResult(share, area, share / area);
    }
}
