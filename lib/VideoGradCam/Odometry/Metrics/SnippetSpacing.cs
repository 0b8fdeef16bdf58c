using VideoGradCam.Cam.Metrics;
using VideoGradCam.Odometry.Data;

namespace VideoGradCam.Odometry.Metrics;

/// <summary>
/// How far one reference frame lies from the target, relative to the next frame (t+1): the length of its translation
/// divided by the t+1 reference's, as median and quartiles over the snippets, predicted and true, and the correlation
/// of the two ratios snippet by snippet (null where either side does not vary).
/// </summary>
public sealed record ReferenceSpacing(int Offset, double PredictedMedian, double PredictedLowerQuartile,
    double PredictedUpperQuartile,
    double TruthMedian, double TruthLowerQuartile, double TruthUpperQuartile, double? Correlation);

/// <summary>
/// How a PoseNet spaces the frames of a snippet. ATE fits one scale per snippet, so what it measures is the shape
/// of the snippet's trajectory, and the spacing of its frames along it is most of that shape. The mean-motion guess
/// spaces them evenly: exactly right wherever the speed is steady. A PoseNet beats it only if its spacing is unbiased
/// (medians as the truth's: 2 for t±2 and 1 for t-1 at a steady speed) and follows real changes of speed
/// (a positive correlation).
/// </summary>
public static class SnippetSpacing
{
    /// <summary>
    /// <paramref name="predicted"/> and <paramref name="truth"/>: per snippet, one pose 6-vector per reference
    /// (the network's convention on both sides), references at <paramref name="offsets"/> from the target
    /// (<see cref="SequenceFrames.ReferencesOf"/> minus the target), which must include +1. Snippets where the
    /// camera does not move to t+1 (on either side) are left out. One row per offset but +1.
    /// </summary>
    public static IReadOnlyList<ReferenceSpacing> Compute(IReadOnlyList<double[][]> predicted,
        IReadOnlyList<double[][]> truth, IReadOnlyList<int> offsets)
    {
        if (predicted.Count != truth.Count)
            throw new ArgumentException(
                $"Snippet spacing needs as many predicted snippets as true ones (got {predicted.Count} and " +
                $"{truth.Count}).");
        int next = offsets.ToList().IndexOf(1);
        if (next < 0) throw new ArgumentException(
            $"Snippet spacing measures against the t+1 reference; the offsets ({string.Join(", ", offsets)}) have " +
            "none.");
        if (predicted.Concat(truth).Any(s => s.Length != offsets.Count || s.Any(v => v.Length != 6)))
            throw new ArgumentException($"Snippet spacing needs {offsets.Count} pose 6-vectors per snippet.");
        var kept = Enumerable.Range(0, truth.Count)
            .Where(i => Length(truth[i][next]) > 1e-9 && Length(predicted[i][next]) > 1e-12).ToList();
        var rows = new List<ReferenceSpacing>();
        for (int r = 0; r < offsets.Count; r++)
        {
            if (r == next) continue;
            var p = kept.Select(i => Length(predicted[i][r]) / Length(predicted[i][next])).ToArray();
            var t = kept.Select(i => Length(truth[i][r]) / Length(truth[i][next])).ToArray();
            rows.Add(new ReferenceSpacing(offsets[r], Quantile(p, 0.5), Quantile(p, 0.25), Quantile(p, 0.75),
                Quantile(t, 0.5), Quantile(t, 0.25), Quantile(t, 0.75), Ranks.Pearson(p, t, constantBelow: 1e-9)));
        }
        return rows;
    }

    static double Length(double[] v) => Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

    /// <summary>Linear-interpolated quantile; NaN for no values.</summary>
    static double Quantile(double[] values, double q)
    {
        if (values.Length == 0) return double.NaN;
        var s = values.OrderBy(x => x).ToArray();
        double pos = q * (s.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
