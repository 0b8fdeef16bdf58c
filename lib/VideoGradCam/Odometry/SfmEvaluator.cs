using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Metrics;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>One row of the ATE table: mean and standard deviation over snippets.</summary>
public sealed record AteRow(string Method, double Mean, double Std, int Snippets);

/// <summary>A top-view trajectory (x, z per frame): ground truth, and the prediction chained from consecutive
/// frame-to-frame estimates and aligned by one least-squares scale.</summary>
public sealed record TopViewTrajectory(string Sequence, double[] GtX, double[] GtZ, double[] PredX, double[] PredZ);

/// <summary>Everything evaluate reports: the ATE table, depth errors, trajectories and <see cref="Motion"/>, which
/// motions the PoseNet learned and which it and the mean-motion baseline miss (null without ground-truth poses). The
/// four parts of <see cref="Motion"/> are also read here (null without ground-truth poses), as notebook 05 and the
/// study's report do.</summary>
public sealed record OdometryEvaluation(int SnippetLength, IReadOnlyList<string> Sequences, IReadOnlyList<AteRow> Ate,
    DepthErrors? Depth, IReadOnlyList<TopViewTrajectory> Trajectories, MotionAnalysis? Motion = null)
{
    /// <summary><see cref="MotionAnalysis.Agreement"/>.</summary>
    public PoseAgreement? Agreement => Motion?.Agreement;

    /// <summary><see cref="MotionAnalysis.MeanMotionMisses"/>.</summary>
    public IReadOnlyList<DofAblation>? MeanMotionMisses => Motion?.MeanMotionMisses;

    /// <summary><see cref="MotionAnalysis.Spacing"/>.</summary>
    public IReadOnlyList<ReferenceSpacing>? Spacing => Motion?.Spacing;

    /// <summary><see cref="MotionAnalysis.PoseNetMisses"/>.</summary>
    public IReadOnlyList<DofAblation>? PoseNetMisses => Motion?.PoseNetMisses;

    /// <summary>What the ATE table says about SfMLearner against each baseline, one sentence per baseline (the verdicts
    /// notebook 05 prints; computed from this evaluation's numbers).</summary>
    public IReadOnlyList<string> BaselineVerdicts()
    {
        AteRow Row(string method) => Ate.First(r => r.Method == method);
        var (sfm, zero, mean) =
            (Row(SfmEvaluator.SfmMethod), Row(SfmEvaluator.ZeroMotion), Row(SfmEvaluator.MeanMotion));
        return
        [
            $"SfMLearner vs zero motion: {sfm.Mean:0.0000} vs {zero.Mean:0.0000} m -> " +
            (sfm.Mean < zero.Mean
                ? $"{zero.Mean / sfm.Mean:0.0}x lower: the PoseNet has learnt that, and how, the camera moves."
                : "not lower: the PoseNet has not learnt the motion yet."),
            $"SfMLearner vs mean training motion: {sfm.Mean:0.0000} vs {mean.Mean:0.0000} m -> " +
            (sfm.Mean < mean.Mean
                ? "lower: the network tracks the changes of speed and turns, which a constant-velocity guess cannot."
                                  : "the constant-velocity guess wins (see below)."),
        ];
    }
}

/// <summary>Motion by motion, against the ground-truth poses: <paramref name="Agreement"/> says which motions the
/// PoseNet learned, <paramref name="MeanMotionMisses"/> which motions the mean-motion baseline gets wrong,
/// <paramref name="Spacing"/> how the PoseNet spaces a snippet's frames, <paramref name="PoseNetMisses"/> which motions
/// cost the PoseNet most (its ATE with one motion set to the truth).</summary>
public sealed record MotionAnalysis(PoseAgreement Agreement, IReadOnlyList<DofAblation> MeanMotionMisses,
    IReadOnlyList<ReferenceSpacing> Spacing, IReadOnlyList<DofAblation> PoseNetMisses);

public static class SfmEvaluator
{
    /// <summary>The methods of the ATE table.</summary>
    public const string SfmMethod = "SfMLearner", ZeroMotion = "zero motion", MeanMotion = "mean training motion";

    /// <summary>
    /// ATE on every snippet of the model's length (5 for a 5-frame model: the SfMLearner protocol) with a least-squares
    /// scale per snippet, against two baselines (zero motion; the training set's mean motion), and depth Abs Rel/RMSE
    /// with median scaling where ground-truth depth exists; and, per degree of freedom, how the predicted
    /// target-to-next motion follows the true one (<see cref="PoseAgreement"/>), what the mean-motion baseline misses,
    /// motion by motion (<see cref="MeanMotionAnatomy"/>), and how the PoseNet spaces each snippet's frames
    /// (<see cref="SnippetSpacing"/>).
    /// </summary>
    public static OdometryEvaluation Evaluate(SfmLearner model, IReadOnlyList<SequenceFrames> sequences,
        int batchSize = 8)
    {
        int length = model.Settings.SequenceLength;
        var device = ComputeDevice.Default;
        model.To(device);
        model.Train(false);
        var meanVector = model.Settings.MeanMotion ?? new double[6];
        var meanStep = PoseMath.FromVector(meanVector);
        var sfm = new List<double>(); var zero = new List<double>(); var mean = new List<double>();
        double absRel = 0, rmse = 0; int depthFrames = 0;
        var trajectories = new List<TopViewTrajectory>();
        var truthSteps = new List<double[]>(); var predictedSteps = new List<double[]>();
            var ablations = new List<double[]>(); var corrected = new List<double[]>();
        var truthSnippets = new List<double[][]>(); var predictedSnippets = new List<double[][]>();
        using var progress = new Progress("evaluate sfmlearner", sequences.Sum(s => s.Count - length + 1));
        foreach (var seq in sequences)
        {
            var targets = seq.Targets(length).ToList();
            var stepToNext = new Dictionary<int, double[,]>();
            for (int b0 = 0; b0 < targets.Count; b0 += batchSize)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var batch = targets.Skip(b0).Take(batchSize).ToList();
                var snip = seq.Snippet(batch, length, device);
                var pose = model.PoseNet.call(snip.Target, snip.References).Pose.cpu();   // [B,N,6]
                var vectors = pose.data<float>().ToArray();
                var disp = model.Disparity(snip.Target)[.., 0];                             // [B,H,W]
                if (seq.Depth is { } gtDepth)
                {
                    var gt = gtDepth.index_select(0, tensor(batch.Select(t => (long)t).ToArray())).to(device);
                    var (a, r, f) = OdometryMetrics.DepthErrorSums(1 / disp, gt);
                    absRel += a; rmse += r; depthFrames += f;
                }
                int n = length - 1;
                for (int i = 0; i < batch.Count; i++)
                {
                    var rows = Enumerable.Range(0, n).Select(j =>
                        Enumerable.Range(0, 6).Select(c => (double)vectors[(i * n + j) * 6 + c]).ToArray()).ToArray();
                    // the target -> next-frame transform M; the next camera sits at inv(M) in the target's frame
                    stepToNext[batch[i]] = PoseMath.Inverse(PoseMath.FromVector(rows[n / 2]));
                    if (seq.Poses is not { } gtPoses) continue;
                    int t = batch[i], first = t - length / 2;
                    // the network's target -> next-frame transform; the same transform from the ground truth
                    var truthRows = seq.ReferencePoses(t, length);
                    truthSteps.Add(truthRows[n / 2]);
                    predictedSteps.Add(rows[n / 2]);
                    truthSnippets.Add(truthRows);
                    predictedSnippets.Add(rows);
                    var gtSnippet =
                        PoseMath.RelativeToFirst(Enumerable.Range(first, length).Select(j => gtPoses[j]).ToList());
                    ablations.Add(MeanMotionAnatomy.Snippet(gtSnippet, meanVector));
                    corrected.Add(MeanMotionAnatomy.Corrected(gtSnippet, truthRows, rows));
                    sfm.Add(OdometryMetrics.SnippetAte(gtSnippet, PoseMath.SnippetPosesFromNetwork(rows)));
                    zero.Add(OdometryMetrics.SnippetAte(gtSnippet,
                        Enumerable.Range(0, length).Select(_ => PoseMath.Identity()).ToList()));
                    mean.Add(OdometryMetrics.SnippetAte(gtSnippet,
                        Enumerable.Range(0, length).Select(j => PoseMath.Power(meanStep, j)).ToList()));
                }
                progress.Advance(seq.Name, batch.Count);
            }
            if (seq.Poses is { } p) trajectories.Add(Chain(seq.Name, p, targets, stepToNext));
        }
        var rowsOut = new List<AteRow>();
        if (sfm.Count > 0)
        {
            rowsOut.Add(Row(SfmMethod, sfm)); rowsOut.Add(Row(ZeroMotion, zero)); rowsOut.Add(Row(MeanMotion, mean));
        }
        var depth = depthFrames > 0 ? new DepthErrors(absRel / depthFrames, rmse / depthFrames, depthFrames) : null;
        MotionAnalysis? motion = null;
        if (truthSteps.Count > 0)            // the four lists grow together: one entry per snippet with true poses
        {
            var agreement = PoseAgreement.Compute(truthSteps, predictedSteps);
            var misses = MeanMotionAnatomy.Average(ablations);
            var poseNetMisses = MeanMotionAnatomy.Average(corrected);
            var spacing = SnippetSpacing.Compute(predictedSnippets, truthSnippets,
                SequenceFrames.ReferencesOf(length / 2, length).Select(r => r - length / 2).ToList());
            motion = new MotionAnalysis(agreement, misses, spacing, poseNetMisses);
        }
        return new OdometryEvaluation(length, sequences.Select(s => s.Name).ToList(), rowsOut, depth, trajectories,
            motion);
    }

    static AteRow Row(string name, List<double> v)
    {
        double m = v.Average();
        return new AteRow(name, m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Count), v.Count);
    }

    /// <summary>Chains the per-target steps to the next frame into a trajectory from the first target, scaled to the
    /// ground truth.</summary>
    static TopViewTrajectory Chain(string name, double[][,] gt, List<int> targets, Dictionary<int, double[,]> steps)
    {
        var gtRel = PoseMath.RelativeToFirst(targets.Select(t => gt[t]).ToList());
        var pred = new List<double[,]> { PoseMath.Identity() };
        for (int i = 1; i < targets.Count; i++) pred.Add(PoseMath.Mul(pred[^1], steps[targets[i - 1]]));
        double dot = 0, norm = 0;
        for (int j = 0; j < pred.Count; j++)
            for (int i = 0; i < 3; i++) { dot += gtRel[j][i, 3] * pred[j][i, 3]; norm += pred[j][i, 3] * pred[j][i, 3];
                }
        double s = norm < 1e-12 ? 0 : dot / norm;
        return new TopViewTrajectory(name, gtRel.Select(m => m[0, 3]).ToArray(), gtRel.Select(m => m[2, 3]).ToArray(),
            pred.Select(m => s * m[0, 3]).ToArray(), pred.Select(m => s * m[2, 3]).ToArray());
    }
}
