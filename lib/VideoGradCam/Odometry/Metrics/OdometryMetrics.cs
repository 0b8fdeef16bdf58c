using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Metrics;

/// <summary>Depth error after median scaling (the SfMLearner protocol).</summary>
public sealed record DepthErrors(double AbsRel, double Rmse, int Frames);

/// <summary>Evaluation metrics of monocular odometry and depth.</summary>
public static class OdometryMetrics
{
    /// <summary>
    /// Absolute trajectory error of one snippet (the SfMLearner protocol): both trajectories relative to the snippet's
    /// first frame, the prediction scaled by the least-squares factor s = Σ gt·pred / Σ pred², then
    /// ‖gt − s·pred‖ over all positions, divided by the snippet length. A prediction without translation gets s = 0.
    /// </summary>
    public static double SnippetAte(IReadOnlyList<double[,]> groundTruth, IReadOnlyList<double[,]> predicted)
    {
        if (groundTruth.Count != predicted.Count) throw new ArgumentException("Trajectories differ in length.");
        double dot = 0, norm = 0;
        for (int j = 0; j < groundTruth.Count; j++)
            for (int i = 0; i < 3; i++) { dot += groundTruth[j][i, 3] * predicted[j][i, 3];
                norm += predicted[j][i, 3] * predicted[j][i, 3]; }
        double scale = norm < 1e-12 ? 0 : dot / norm;
        double err = 0;
        for (int j = 0; j < groundTruth.Count; j++)
            for (int i = 0; i < 3; i++) { var d = groundTruth[j][i, 3] - scale * predicted[j][i, 3]; err += d * d; }
        return Math.Sqrt(err) / groundTruth.Count;
    }

    /// <summary>
    /// Abs Rel and RMSE of predicted depth [B,H,W] against ground truth [B,H,W] (0 = unknown), each frame's prediction
    /// scaled by median(gt)/median(pred) over valid pixels (0 &lt; gt &lt; maxDepth); predictions clamped to [1e-3,
    /// maxDepth]. Returns per-frame sums so callers can average over many batches.
    /// </summary>
    public static (double AbsRelSum, double RmseSum, int Frames) DepthErrorSums(Tensor predicted, Tensor groundTruth,
        double maxDepth = 80)
    {
        double absRel = 0, rmse = 0; int frames = 0;
        for (long b = 0; b < predicted.shape[0]; b++)
        {
            using var scope = NewDisposeScope();
            var gt = groundTruth[b]; var pred = predicted[b];
            var valid = (gt > 0) & (gt < maxDepth);
            if (valid.sum().item<long>() == 0) continue;
            var g = gt.masked_select(valid); var p = pred.masked_select(valid);
            p = (p * (g.median() / p.median())).clamp(1e-3, maxDepth);
            absRel += ((g - p).abs() / g).mean().item<float>();
            rmse += Math.Sqrt(((g - p) * (g - p)).mean().item<float>());
            frames++;
        }
        return (absRel, rmse, frames);
    }
}
