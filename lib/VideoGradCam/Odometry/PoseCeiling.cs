using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Metrics;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>How the pose ceiling trains: SfMLearner's epochs, batch size and snippet length by default, so both get the
/// same budget; the learning rate is the supervised fit's own.</summary>
public sealed record PoseCeilingOptions(int Epochs = 3, int BatchSize = 4, double LearningRate = 5e-4,
    int SequenceLength = 5, int Seed = Seeds.Default)
{
    /// <summary>The ceiling's PoseNet output scale for every translation: 0.1, ten times the port's, so that
    /// metre-sized steps are within reach of a short fit (at 0.01 a metre is a raw output of 100). The ceiling is the
    /// most the PoseNet can learn from the images, so it takes the scale that fits best (environment.md, "The winding
    /// road").</summary>
    public const double FittedTranslationScale = 0.1;
}

/// <summary>The ceiling's result. <see cref="HeldOutAte"/>: ATE of the fitted PoseNet on the held-out sequences beside
/// both baselines, with its per-DoF agreement and snippet spacing there. <see cref="Training"/>: the same (ATE and
/// agreement) on the first training sequence. A PoseNet that fits a motion there but not on held-out sequences has
/// memorised it, not learnt it.</summary>
public sealed record PoseCeilingResult(int Steps, double Seconds, IReadOnlyList<double> EpochMeans,
    IReadOnlyList<AteRow> HeldOutAte, PoseAgreement? HeldOutAgreement, TrainingSequenceCheck Training,
    IReadOnlyList<ReferenceSpacing>? HeldOutSpacing = null)
{
    /// <summary>The per-DoF agreement on the training sequence (<see cref="TrainingSequenceCheck.Agreement"/>; notebook
    /// 06 reads it here).</summary>
    public PoseAgreement? TrainingAgreement => Training.Agreement;

    /// <summary>The fitted PoseNet's held-out ATE.</summary>
    public double Ate => HeldOutAte.First(r => r.Method == PoseCeiling.Method).Mean;

    /// <summary>The held-out ATE of the training set's mean motion.</summary>
    public double MeanMotionAte => HeldOutAte.First(r => r.Method == SfmEvaluator.MeanMotion).Mean;

    /// <summary>What the ceiling says beside SfMLearner's held-out ATE <paramref name="sfmLearnerAte"/>: the numbers,
    /// whether the fitted PoseNet beats the mean-motion baseline in this budget, and its snippet spacing (the lines
    /// notebook 05 prints).</summary>
    public IReadOnlyList<string> Verdicts(double sfmLearnerAte)
    {
        var lines = new List<string>
        {
            $"PoseNet fitted to the true poses: {Steps} steps in {Seconds:0} s; held-out ATE {Ate:0.0000}, " +
            $"SfMLearner {sfmLearnerAte:0.0000}, mean training motion {MeanMotionAte:0.0000}",
            Ate < MeanMotionAte
                ? $"With the answers given, the PoseNet gets {1 - Ate / MeanMotionAte:P0} below the mean-motion " +
                  "baseline in this budget."
                : "Even with the answers given, the PoseNet does not beat the mean-motion baseline in this budget.",
        };
        if (HeldOutSpacing is { } spacing)
            lines.Add("its snippet spacing (median length relative to t+1's, fitted vs true): " +
                string.Join(", ",
                    spacing.Select(s => $"t{s.Offset:+0;-0} {s.PredictedMedian:0.00} vs {s.TruthMedian:0.00}")));
        return lines;
    }
}

/// <summary>The fitted PoseNet on one of its own training sequences (<paramref name="Sequence"/>): its ATE beside both
/// baselines and its per-DoF agreement with the true motion.</summary>
public sealed record TrainingSequenceCheck(string Sequence, IReadOnlyList<AteRow> Ate, PoseAgreement? Agreement);

/// <summary>
/// What SfMLearner's PoseNet can learn from a data set's images in SfMLearner's training budget, when it is given the
/// answer. The same PoseExpNet, snippets, epochs and batch size as SfMLearner's training, but fitted to the true poses:
/// a supervised regression, with no depth and no view synthesis.
/// <para>SfMLearner learns the same outputs from a weaker signal, the photometric error through a depth it learns at
/// the same time. So the ceiling bounds what to expect. If even this fit does not beat the mean-motion baseline on
/// held-out sequences, no unsupervised recipe will in that budget; the data or the budget must change. Needs
/// ground-truth poses.</para>
/// </summary>
public static class PoseCeiling
{
    /// <summary>The name of the fitted PoseNet's row in the ATE tables.</summary>
    public const string Method = "PoseNet fitted to the true poses";

    /// <summary>The smallest per-DoF spread the loss divides by: a flat drive has no pitch, roll or vertical
    /// motion.</summary>
    public const double ScaleFloor = 0.01;

    /// <summary>The true pose of every reference relative to its target, in PoseExpNet's output convention: [B, N, 6],
    /// (tx, ty, tz, rx, ry, rz) of the transform that maps target-camera points into the reference camera (the pose
    /// the inverse warp takes). References in <see cref="SequenceFrames.ReferencesOf"/> order.</summary>
    public static Tensor Labels(SequenceFrames seq, IReadOnlyList<int> targets, int length)
    {
        var values =
            targets.SelectMany(t => seq.ReferencePoses(t, length).SelectMany(v => v.Select(x => (float)x))).ToArray();
        return tensor(values, [targets.Count, length - 1, 6]);
    }

    /// <summary>Per-DoF standard deviation of the labels of every training snippet, floored at
    /// <see cref="ScaleFloor"/>; the loss divides each DoF's error by it, so a turn counts as much as a step
    /// forward.</summary>
    public static double[] LabelScale(IReadOnlyList<SequenceFrames> sequences, int length)
    {
        var rows = sequences.SelectMany(s => s.Targets(length).SelectMany(t => s.ReferencePoses(t, length))).ToList();
        if (rows.Count == 0) throw new InvalidDataException($"No {length}-frame snippet in the training sequences.");
        return Enumerable.Range(0, 6).Select(c =>
        {
            double m = rows.Average(r => r[c]);
            return Math.Max(ScaleFloor, Math.Sqrt(rows.Average(r => (r[c] - m) * (r[c] - m))));
        }).ToArray();
    }

    /// <summary>Fits a fresh PoseNet (seeded) to the true poses of <paramref name="train"/>, then evaluates it on
    /// <paramref name="heldOut"/> and on the first training sequence, with both baselines.</summary>
    public static PoseCeilingResult Run(IReadOnlyList<SequenceFrames> train, IReadOnlyList<SequenceFrames> heldOut,
        PoseCeilingOptions o)
    {
        if (train.Count == 0 || heldOut.Count == 0) throw new ArgumentException(
            "The pose ceiling needs training and held-out sequences.");
        if (o.SequenceLength is not (3 or 5)) throw new ArgumentException(
            $"Snippet length must be 3 or 5 (got {o.SequenceLength}).");
        if (o.Epochs < 1 || o.BatchSize < 1) throw new ArgumentException("Epochs and batch size must be positive.");
        foreach (var s in train.Concat(heldOut))
            if (s.Poses is null) throw new InvalidDataException(
                $"Sequence {s.Name} has no ground-truth poses; the pose ceiling needs them.");
        var scale = LabelScale(train, o.SequenceLength);
        var settings = new SfmSettings(o.SequenceLength, train[0].Width, train[0].Height, false,
            train.Select(s => s.Name).ToList(),
            SfmTrainer.MeanMotion(train), TranslationScale: PoseCeilingOptions.FittedTranslationScale);
        Seeds.Set(o.Seed);
        using var model = new SfmLearner(settings);
        var device = ComputeDevice.Default;
        model.To(device);
        var (steps, epochMeans, seconds) = Fit(model.PoseNet, train, scale, o, device);
        var heldOutEval = Rename(SfmEvaluator.Evaluate(model, heldOut));
        var trainingEval = Rename(SfmEvaluator.Evaluate(model, [train[0]]));
        return new PoseCeilingResult(steps, seconds, epochMeans, heldOutEval.Ate, heldOutEval.Agreement,
            new TrainingSequenceCheck(train[0].Name, trainingEval.Ate, trainingEval.Agreement), heldOutEval.Spacing);
    }

    static OdometryEvaluation Rename(OdometryEvaluation e) =>
        e with { Ate =
            e.Ate.Select(r => r.Method == SfmEvaluator.SfmMethod ? r with { Method = Method } : r).ToList() };

    /// <summary>Adam on the PoseNet alone; loss = mean over references and DoFs of ((predicted - true) / scale)²;
    /// batches drawn as SfMLearner's trainer draws them (a seeded shuffle per epoch). A NaN or infinite loss or
    /// gradient stops it with a <see cref="NonFiniteException"/> before Adam steps.</summary>
    static (int Steps, List<double> EpochMeans, double Seconds) Fit(PoseExpNet net, IReadOnlyList<SequenceFrames> train,
        double[] scale, PoseCeilingOptions o, Device device)
    {
        using var adam = optim.Adam(net.parameters(), lr: o.LearningRate);
        using var scaleTensor = tensor(scale.Select(v => (float)v).ToArray(), [1, 1, 6]).to(device);
        var items = SfmTrainer.Items(train, o.SequenceLength);
        int stepsPerEpoch = (items.Count + o.BatchSize - 1) / o.BatchSize;
        var epochMeans = new List<double>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        net.train(true);
        using var progress = new Progress("pose ceiling", o.Epochs * stepsPerEpoch);
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            double sum = 0;
            int step = 0;
            foreach (var batch in SfmTrainer.EpochBatches(items, o.Seed, epoch, o.BatchSize))
            {
                step++;
                using var scope = NewDisposeScope();
                var (target, refs, _, order) = SfmTrainer.BatchSnippets(train, batch, o.SequenceLength, device);
                var labels = cat(order.Select(x => Labels(train[x.Sequence], [x.Target], o.SequenceLength)).ToList(), 0)
                    .to(device);
                var loss = ((net.call(target, refs).Pose - labels) / scaleTensor).pow(2).mean();
                double value = loss.item<float>();
                if (FiniteCheck.Kind(value) is { } lossKind)
                    throw NonFiniteException.InTraining("pose ceiling", "loss", lossKind, epoch + 1, step);
                adam.zero_grad();
                loss.backward();
                if (FiniteCheck.Gradients(net.parameters()) is { } gradientKind)
                    throw NonFiniteException.InTraining("pose ceiling", "gradient", gradientKind, epoch + 1, step);
                adam.step();
                sum += value;
                progress.Advance($"epoch {epoch + 1}/{o.Epochs} loss {value:0.000}");
            }
            epochMeans.Add(sum / stepsPerEpoch);
        }
        net.train(false);
        return (o.Epochs * stepsPerEpoch, epochMeans, clock.Elapsed.TotalSeconds);
    }
}
