using VideoGradCam.Cam.Metrics;
using VideoGradCam.Odometry.Geometry;

namespace VideoGradCam.Odometry.Metrics;

/// <summary>
/// How one degree of freedom of the predicted frame-to-frame motion follows the ground truth: the Pearson correlation
/// over all pairs (null where either side does not vary, for example ty on a flat drive), and the standard deviation of
/// both. Rotations are in radians on both sides; translations only agree up to the model's unknown scale, so compare
/// their correlations, or their spread relative to tz.
/// </summary>
public sealed record DofAgreement(string Dof, double? Correlation, double TruthStd, double PredictedStd);

/// <summary>
/// Which motions a PoseNet has learned: per-DoF agreement of its target-to-next-frame pose with the ground truth, and
/// the mean angle between the predicted and the true translation (pairs where the camera stands still are left out).
/// ATE alone cannot tell a PoseNet that turns the right way but misjudges speed from one that misses a sideways slide;
/// this can.
/// </summary>
public sealed record PoseAgreement(IReadOnlyList<DofAgreement> Dofs, double? TranslationDirectionErrorDegrees,
    int Pairs)
{
    /// <summary>Compares pose 6-vectors [tx,ty,tz,rx,ry,rz] pair by pair (the same convention on both sides).</summary>
    public static PoseAgreement Compute(IReadOnlyList<double[]> truth, IReadOnlyList<double[]> predicted)
    {
        if (truth.Count != predicted.Count)
            throw new ArgumentException(
                $"Pose agreement needs as many predicted poses as true ones (got {predicted.Count} and " +
                $"{truth.Count}).");
        if (truth.Concat(predicted).Any(v => v.Length != 6))
            throw new ArgumentException("Pose agreement compares 6-vectors [tx,ty,tz,rx,ry,rz].");
        var dofs = PoseMath.DofNames.Select((name, d) =>
        {
            var t = truth.Select(v => v[d]).ToArray();
            var p = predicted.Select(v => v[d]).ToArray();
            return new DofAgreement(name, Ranks.Pearson(t, p, constantBelow: 1e-9), Std(t), Std(p));
        }).ToList();
        var angles = new List<double>();
        for (int i = 0; i < truth.Count; i++)
        {
            double nt = Norm3(truth[i]), np = Norm3(predicted[i]);
            if (nt < 1e-9 || np < 1e-12) continue;
            double cos = (truth[i][0] * predicted[i][0] + truth[i][1] * predicted[i][1] + truth[i][2] * predicted[i][2])
                / (nt * np);
            angles.Add(Math.Acos(Math.Clamp(cos, -1, 1)) * 180 / Math.PI);
        }
        return new PoseAgreement(dofs, angles.Count > 0 ? angles.Average() : null, truth.Count);
    }

    static double Norm3(double[] v) => Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

    static double Std(double[] x)
    {
        if (x.Length == 0) return 0;
        double m = x.Average();
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / x.Length);
    }
}
