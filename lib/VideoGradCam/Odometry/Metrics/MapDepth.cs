namespace VideoGradCam.Odometry.Metrics;

/// <summary>How far away the pixels a saliency map marks are, from the frame's true depth: the share of the map's
/// energy on the sky (no depth), and the map-weighted mean depth of the rest against the plain mean depth of the frame.
/// A map that favours near structure has <see cref="MapMeanDepth"/> below <see cref="FrameMeanDepth"/>.</summary>
/// <param name="SkyShare">share of the map's sum on pixels without depth (0 in the ground truth).</param>
/// <param name="MapMeanDepth">Σ map·depth / Σ map over pixels with depth; NaN when the map is zero there.</param>
/// <param name="FrameMeanDepth">the mean depth of the pixels with depth.</param>
public sealed record MapDepth(double SkyShare, double MapMeanDepth, double FrameMeanDepth)
{
    /// <summary>Measures <paramref name="map"/> (non-negative, [H,W]) against <paramref name="depth"/> ([H,W], 0 where
    /// there is none). A map and depth of different sizes, or a negative or non-finite map value, are errors.</summary>
    public static MapDepth Of(float[,] map, float[,] depth)
    {
        if (map.GetLength(0) != depth.GetLength(0) || map.GetLength(1) != depth.GetLength(1))
            throw new ArgumentException($"The map is {map.GetLength(1)}x{map.GetLength(0)}, the depth " +
                                        $"{depth.GetLength(1)}x{depth.GetLength(0)}.");
        double total = 0, sky = 0, weighted = 0, depthSum = 0;
        long withDepth = 0;
        for (int y = 0; y < map.GetLength(0); y++)
            for (int x = 0; x < map.GetLength(1); x++)
            {
                double m = map[y, x], d = depth[y, x];
                if (!(m >= 0) || !double.IsFinite(m))
                    throw new ArgumentException($"The map has the value {m} at ({x},{y}); maps are finite and >= 0.");
                total += m;
                if (d > 0) { weighted += m * d; depthSum += d; withDepth++; }
                else sky += m;
            }
        double onGround = total - sky;
        return new MapDepth(total > 0 ? sky / total : double.NaN,
            onGround > 0 ? weighted / onGround : double.NaN,
            withDepth > 0 ? depthSum / withDepth : double.NaN);
    }
}
