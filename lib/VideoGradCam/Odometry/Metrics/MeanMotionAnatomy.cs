using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;

namespace VideoGradCam.Odometry.Metrics;

/// <summary>The ATE of the ground truth with one degree of freedom of every frame-to-frame step set to its training
/// mean.</summary>
public sealed record DofAblation(string Dof, double Ate);

/// <summary>
/// What the mean-motion baseline misses, motion by motion. Each degree of freedom of the true frame-to-frame steps is
/// replaced in turn by its training mean, the rest kept true, and the snippet's ATE measured (the SfMLearner protocol).
/// A large value marks a motion that the constant guess gets wrong and that a PoseNet must learn to beat it; a value
/// near 0, one that does not matter to a 5-frame ATE. The values do not add up to the baseline's ATE.
/// </summary>
public static class MeanMotionAnatomy
{
    /// <summary>Per DoF (tx, ty, tz, rx, ry, rz): the ATE of one snippet's true poses with that DoF of each step set to
    /// <paramref name="meanStep"/>'s.</summary>
    public static double[] Snippet(IReadOnlyList<double[,]> truePoses, IReadOnlyList<double> meanStep)
    {
        if (truePoses.Count < 2) throw new ArgumentException("A snippet needs at least 2 poses.");
        if (meanStep.Count != 6) throw new ArgumentException("The mean step is a 6-vector [tx,ty,tz,rx,ry,rz].");
        var truth = PoseMath.RelativeToFirst(truePoses);
        var steps = Enumerable.Range(0, truePoses.Count - 1)
            .Select(j => PoseMath.RelativeVector(truePoses[j], truePoses[j + 1])).ToList();
        var ablations = new double[6];
        for (int d = 0; d < 6; d++)
        {
            var chained = new List<double[,]> { PoseMath.Identity() };
            foreach (var step in steps)
            {
                var v = (double[])step.Clone();
                v[d] = meanStep[d];
                chained.Add(PoseMath.Mul(chained[^1], PoseMath.FromVector(v)));
            }
            ablations[d] = OdometryMetrics.SnippetAte(truth, chained);
        }
        return ablations;
    }

    /// <summary>The mean over snippets of <see cref="Snippet"/>, one row per DoF.</summary>
    public static IReadOnlyList<DofAblation> Average(IReadOnlyList<double[]> perSnippet) =>
        PoseMath.DofNames.Select(
            (name, d) => new DofAblation(name, perSnippet.Count == 0 ? 0 : perSnippet.Average(a => a[d]))).ToList();

    /// <summary>What a PoseNet gets wrong, motion by motion, the other way round: per DoF (tx, ty, tz, rx, ry, rz), the
    /// ATE of the network's snippet (<paramref name="predicted"/>: target -> reference vectors, references in order)
    /// with that DoF of every reference set to the truth's (<paramref name="truth"/>, same layout), against
    /// <paramref name="truePoses"/>. A value well under the network's own ATE marks the motion whose error costs most;
    /// the values do not add up.</summary>
    public static double[] Corrected(IReadOnlyList<double[,]> truePoses, double[][] truth, double[][] predicted)
    {
        if (truth.Length != predicted.Length) throw new ArgumentException(
            $"{truth.Length} true references against {predicted.Length} predicted.");
        var gt = PoseMath.RelativeToFirst(truePoses);
        var result = new double[6];
        for (int d = 0; d < 6; d++)
        {
            var rows = predicted.Select((row, r) => row.Select((v, c) => c == d ? truth[r][c] : v).ToArray()).ToArray();
            result[d] = OdometryMetrics.SnippetAte(gt, PoseMath.SnippetPosesFromNetwork(rows));
        }
        return result;
    }
}
