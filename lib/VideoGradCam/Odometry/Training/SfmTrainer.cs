using TorchSharp;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Training;

/// <summary>
/// How SfMLearner trains: Adam on both networks for <paramref name="Epochs"/> epochs of batches of
/// <paramref name="BatchSize"/> snippets of <paramref name="SequenceLength"/> frames (3 or 5), on the loss
/// <paramref name="Weights"/> (null: <see cref="StudyLoss"/>), seeded with <paramref name="Seed"/>. The PoseNet's
/// translations are scaled by the port's 0.01. <see cref="ForProfile"/> is the study's recipe; environment.md
/// ("SfMLearner's training recipe, measured" and the sections after it) holds the measurements behind it.
/// </summary>
/// <param name="LearningRate">the DepthNet's Adam rate (the port's 2e-4).</param>
/// <param name="InitialDepth">where a fresh DepthNet starts, in metres (null: the port's init, centred on 0.2 m; see
/// <see cref="StudyInitialDepth"/>).</param>
/// <param name="ForwardTranslationScale">the scale of the PoseNet's forward translation (tz) alone (null: 0.01 as the
/// other translations; see <see cref="PoseExpNet.ForwardTranslationScale"/>).</param>
/// <param name="LowRateEpochs">the last epochs run at a tenth of both networks' rates (0: the port's constant
/// rate).</param>
/// <param name="PoseLearningRate">the PoseNet's Adam rate (null: <paramref name="LearningRate"/>, as the
/// port).</param>
/// <param name="DepthWidth">the DepthNet's channel multiplier (1: the port's; 0.5: a quarter of its
/// multiply-adds).</param>
public sealed record SfmTrainingOptions(int Epochs = 4, int BatchSize = 4, double LearningRate = 2e-4,
    int SequenceLength = 3, LossWeights? Weights = null, int Seed = Seeds.Default,
    double? InitialDepth = SfmTrainingOptions.StudyInitialDepth, double? ForwardTranslationScale = null,
    int LowRateEpochs = 0, double? PoseLearningRate = null, double DepthWidth = 1)
{
    /// <summary>The PoseNet's Adam rate: <see cref="PoseLearningRate"/>, or <see cref="LearningRate"/> as the
    /// port.</summary>
    public double PoseRate => PoseLearningRate ?? LearningRate;

    /// <summary>The study's start depth of a fresh DepthNet, metres. With both pose outputs scaled by 0.01, at a depth
    /// of 0.2 m a sideways slide moves the image as cheaply as a turn; from 5 m on the turn is the cheaper
    /// explanation.</summary>
    public const double StudyInitialDepth = 5;

    /// <summary>The study's forward translation scale (tz; the other translations keep the port's 0.01).</summary>
    public const double StudyForwardTranslationScale = 0.1;

    /// <summary>The study's loss: the port's photometric 1 and mask 0, the photometric term averaged over the pixels
    /// valid in every reference of the snippet (forward and backward references, whose valid pixels differ at the
    /// image border, are fitted on the same pixels), and the smoothness rescaled to the starting depth. The port
    /// applies its second-order smoothness to depth, so the term grows with the depth scale: its 0.1 at its 0.2 m
    /// start is 0.1 x 0.2 / 5 = 0.004 at <see cref="StudyInitialDepth"/>.</summary>
    public static readonly LossWeights StudyLoss =
        new(Photometric: 1, Explainability: 0, Smoothness: 0.004, OverValidPixels: true, CommonValidPixels: true);

    public LossWeights LossWeights => Weights ?? StudyLoss;

    /// <summary>The settings a model trained with these options records (and is built from): frame size, training
    /// sequences and their mean motion, beside the loss and the networks' options.</summary>
    public SfmSettings SettingsFor(int width, int height, IReadOnlyList<string> trainSequences, double[] meanMotion) =>
        new(SequenceLength, width, height, LossWeights.Explainability > 0, trainSequences, meanMotion, LossWeights,
            ForwardTranslationScale: ForwardTranslationScale, DepthWidth: DepthWidth);

    /// <summary>The study's PoseNet rate, five times the port's 2e-4 (the DepthNet keeps 2e-4).</summary>
    public const double StudyPoseLearningRate = 1e-3;

    /// <summary>The study's recipe. Both profiles: batch 4, <see cref="StudyLoss"/>,
    /// <see cref="StudyForwardTranslationScale"/>, <see cref="StudyPoseLearningRate"/>, and the last epoch at a tenth
    /// of both rates. quick: 3 epochs with the port's DepthNet; full: 12 epochs with the DepthNet at
    /// <see cref="StudyFullDepthWidth"/>, within the full reproduce's budget.</summary>
    public static SfmTrainingOptions ForProfile(Profile p) =>
        new(Epochs: p == Profile.Full ? 12 : 3, BatchSize: 4, Weights: StudyLoss,
            ForwardTranslationScale: StudyForwardTranslationScale, LowRateEpochs: 1,
            PoseLearningRate: StudyPoseLearningRate, DepthWidth: p == Profile.Full ? StudyFullDepthWidth : 1);

    /// <summary>The full profile's DepthNet width: half the port's channels (a quarter of its multiply-adds).</summary>
    public const double StudyFullDepthWidth = 0.5;
}

/// <summary>One optimisation step's losses.</summary>
public sealed record SfmStep(int Epoch, int Step, double Total, double Photometric, double Smoothness,
    double Explainability);

/// <summary>Loss history of a training run, and its wall time.</summary>
public sealed record SfmTrainingHistory(IReadOnlyList<SfmStep> Steps, double Seconds)
{
    /// <summary>Mean total loss of each epoch.</summary>
    public IReadOnlyList<double> EpochMeans() =>
        Steps.GroupBy(s => s.Epoch).OrderBy(g => g.Key).Select(g => g.Average(s => s.Total)).ToList();
}

/// <summary>Per-sample total loss and its parts for one snippet batch (depth and pose networks in their current
/// mode).</summary>
public sealed record SfmLosses(Tensor Total, Tensor Photometric, Tensor Smoothness, Tensor Explainability, Tensor Pose,
    Tensor[] Disparities, Tensor[] Masks);

public static class SfmTrainer
{
    /// <summary>
    /// The view-synthesis objective of one batch: disparities from DepthNet on the target, pose (and masks) from
    /// PoseNet; total per sample [B] = w_p·photometric + w_s·smoothness + w_m·explainability (the last a batch term
    /// added to every sample). The batch mean is the port's training loss.
    /// </summary>
    public static SfmLosses Objective(SfmLearner model, Tensor target, Tensor[] references, Tensor intrinsics,
        LossWeights w)
    {
        var disparities = model.DepthNet.call(target);
        var depths = disparities.Select(d => 1 / d).ToArray();
        var pose = model.PoseNet.call(target, references);
        var photometric = ViewSynthesisLoss.PhotometricPerSample(target, references, intrinsics, depths,
            w.Explainability > 0 ? pose.Masks : [], pose.Pose, w.OverValidPixels, w.CommonValidPixels);
        var smooth = ViewSynthesisLoss.SmoothnessPerSample(depths);
        var explain = pose.Masks.Length > 0 ? ViewSynthesisLoss.Explainability(pose.Masks) : zeros(1).squeeze();
        var total = photometric * w.Photometric + smooth * w.Smoothness + explain * w.Explainability;
        return new SfmLosses(total, photometric, smooth, explain, pose.Pose, disparities, pose.Masks);
    }

    /// <summary>What a run has done so far, saved beside the checkpoint after each epoch (with the Adam state) so an
    /// interrupted run resumes after its last finished epoch.</summary>
    public sealed record ResumeState(int EpochsDone, IReadOnlyList<SfmStep> Steps, double Seconds);

    public static string ProgressFile(string checkpointPath) => checkpointPath + ".progress.json";
    public static string OptimizerFile(string checkpointPath) => checkpointPath + ".optimizer";

    /// <summary>Removes a run's checkpoint and its resume files (the checkpoint first).</summary>
    static void RemoveRun(string checkpointPath)
    {
        foreach (var file in new[] { checkpointPath, ProgressFile(checkpointPath), OptimizerFile(checkpointPath) })
            if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>A new SfMLearner for <paramref name="o"/>, its DepthNet at <c>o.InitialDepth</c>, its weights drawn
    /// after seeding with <c>o.Seed</c>: the same seed gives the same starting weights in every process.</summary>
    public static SfmLearner NewModel(SfmSettings settings, SfmTrainingOptions o)
    {
        Seeds.Set(o.Seed);
        return new SfmLearner(settings, o.InitialDepth);
    }

    /// <summary>
    /// Trains on every snippet of the given sequences. After each epoch it writes the checkpoint, the Adam state and
    /// the progress (steps so far), each atomically, the progress last. With <paramref name="resume"/> and a progress
    /// file beside <paramref name="checkpointPath"/>, it loads all three and continues with the next epoch; each
    /// epoch's order is seeded by (seed, epoch), so a resumed run takes the batches an uninterrupted one would.
    /// The resume files are removed when the run finishes. A NaN or infinite loss or gradient stops the run with a
    /// <see cref="NonFiniteException"/> before Adam steps, and removes the checkpoint and its resume files.
    /// </summary>
    public static SfmTrainingHistory Train(SfmLearner model, IReadOnlyList<SequenceFrames> sequences,
        SfmTrainingOptions o,
        string? checkpointPath = null, Action<SfmStep>? onStep = null, bool resume = false)
    {
        Seeds.Set(o.Seed);
        var device = ComputeDevice.Default;
        model.To(device);
        var groups = new List<(IEnumerable<TorchSharp.Modules.Parameter> Parameters, double Rate)>
        {
            (model.PoseNet.parameters(), o.PoseRate), (model.DepthNet.parameters(), o.LearningRate),
        };
        using var adam = optim.Adam(groups.Select(g => new TorchSharp.Modules.Adam.ParamGroup(g.Parameters.ToList(),
            lr: g.Rate, beta1: 0.9, beta2: 0.999)).ToList(),
            lr: o.LearningRate);
        var items = Items(sequences, o.SequenceLength);
        if (items.Count == 0)
            throw new InvalidDataException(
                $"No {o.SequenceLength}-frame snippet in the training sequences " +
                $"({string.Join(", ", sequences.Select(s => $"{s.Name}: {s.Count} frames"))}).");
        int stepsPerEpoch = (items.Count + o.BatchSize - 1) / o.BatchSize;
        var steps = new List<SfmStep>();
        double earlierSeconds = 0;
        int start = 0;
        if (resume && checkpointPath is not null && File.Exists(ProgressFile(checkpointPath))
            && File.Exists(checkpointPath))
        {
            var saved = System.Text.Json.JsonSerializer.Deserialize<ResumeState>(
                File.ReadAllText(ProgressFile(checkpointPath)), JsonDefaults.Compact)
                ?? throw new InvalidDataException($"{ProgressFile(checkpointPath)}: unreadable training progress.");
            model.LoadWeights(checkpointPath);
            if (model.FirstNonFiniteWeight() is { } key) throw NonFiniteException.InWeights(checkpointPath, key);
            if (File.Exists(OptimizerFile(checkpointPath))) adam.load_state_dict(OptimizerFile(checkpointPath));
            (start, earlierSeconds) = (Math.Min(saved.EpochsDone, o.Epochs), saved.Seconds);
            steps.AddRange(saved.Steps);
        }
        model.Train(true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var progress = new Progress("train sfmlearner", o.Epochs * stepsPerEpoch);
        if (start > 0) progress.Advance($"resumed after epoch {start}", start * stepsPerEpoch);
        try
        {
            for (int epoch = start; epoch < o.Epochs; epoch++)
            {
                double factor = epoch >= o.Epochs - o.LowRateEpochs ? 0.1 : 1;
                foreach (var (g, group) in adam.ParamGroups.Zip(groups)) g.LearningRate = group.Rate * factor;
                foreach (var batch in EpochBatches(items, o.Seed, epoch, o.BatchSize))
                {
                    using var scope = NewDisposeScope();
                    var (target, refs, k, _) = BatchSnippets(sequences, batch, o.SequenceLength, device);
                    var l = Objective(model, target, refs, k, o.LossWeights);
                    var loss = l.Total.mean();
                    float total = loss.item<float>();
                    int stepInEpoch = steps.Count - epoch * stepsPerEpoch + 1;
                    if (FiniteCheck.Kind(total) is { } lossKind)
                        throw NonFiniteException.InTraining("train sfmlearner", "loss", lossKind, epoch + 1,
                            stepInEpoch);
                    adam.zero_grad();
                    loss.backward();
                    if (FiniteCheck.Gradients(groups.SelectMany(g => g.Parameters)) is { } gradientKind)
                        throw NonFiniteException.InTraining("train sfmlearner", "gradient", gradientKind, epoch + 1,
                            stepInEpoch);
                    // No NativeCallGuard here: its no-GC region slows this trainer several-fold.
                    adam.step();
                    var step = new SfmStep(epoch, steps.Count, total, l.Photometric.mean().item<float>(),
                        l.Smoothness.mean().item<float>(), l.Explainability.item<float>());
                    steps.Add(step);
                    onStep?.Invoke(step);
                    progress.Advance($"epoch {epoch + 1}/{o.Epochs} loss {step.Total:0.0000}");
                }
                if (checkpointPath is not null)
                {
                    model.Save(checkpointPath);
                    if (epoch + 1 < o.Epochs)
                    {
                        AtomicFile.Write(OptimizerFile(checkpointPath), tmp => adam.save_state_dict(tmp));
                        var state = new ResumeState(epoch + 1, steps, earlierSeconds + clock.Elapsed.TotalSeconds);
                        AtomicFile.WriteAllText(ProgressFile(checkpointPath),
                            System.Text.Json.JsonSerializer.Serialize(state, JsonDefaults.Compact));
                    }
                }
            }
        }
        catch (NonFiniteException)
        {
            if (checkpointPath is not null) RemoveRun(checkpointPath);
            throw;
        }
        if (checkpointPath is not null)
        {
            File.Delete(ProgressFile(checkpointPath));
            File.Delete(OptimizerFile(checkpointPath));
        }
        model.Train(false);
        return new SfmTrainingHistory(steps, earlierSeconds + clock.Elapsed.TotalSeconds);
    }

    /// <summary>Every (sequence index, target) pair of the sequences' snippets of <paramref name="length"/>
    /// frames.</summary>
    public static List<(int Sequence, int Target)> Items(IReadOnlyList<SequenceFrames> sequences, int length) =>
        sequences.SelectMany((s, si) => s.Targets(length).Select(t => (si, t))).ToList();

    /// <summary>Epoch <paramref name="epoch"/>'s batches: the items shuffled by a seed made of (seed, epoch), cut into
    /// batches of <paramref name="batchSize"/> (the last may be smaller). A resumed run relies on this order.</summary>
    public static IEnumerable<List<(int Sequence, int Target)>> EpochBatches(
        IReadOnlyList<(int Sequence, int Target)> items,
        int seed, int epoch, int batchSize)
    {
        var shuffle = new Random(SyntheticOdometry.StableSeed(seed, epoch, 0x5eed));
        var order = items.OrderBy(_ => shuffle.Next()).ToList();
        for (int b = 0; b < order.Count; b += batchSize) yield return order.Skip(b).Take(batchSize).ToList();
    }

    /// <summary>The snippets of one batch, which may span sequences: each sequence's part is built, then concatenated
    /// along B. <c>Order</c> is the batch's items in that concatenated order.</summary>
    public static (Tensor Target, Tensor[] References, Tensor Intrinsics,
        List<(int Sequence, int Target)> Order) BatchSnippets(
        IReadOnlyList<SequenceFrames> sequences, IReadOnlyList<(int Sequence, int Target)> batch, int length,
            Device device)
    {
        var groups = batch.GroupBy(x => x.Sequence).ToList();
        var parts =
            groups.Select(g => sequences[g.Key].Snippet(g.Select(x => x.Target).ToList(), length, device)).ToList();
        var target = cat(parts.Select(p => p.Target).ToList(), 0);
        var refs =
            Enumerable.Range(0, length - 1).Select(j => cat(parts.Select(p => p.References[j]).ToList(), 0)).ToArray();
        return (target, refs, cat(parts.Select(p => p.Intrinsics).ToList(), 0), groups.SelectMany(g => g).ToList());
    }

    /// <summary>The training set's mean frame-to-frame motion (6-vector, previous -> next camera), the mean-motion
    /// baseline.</summary>
    public static double[] MeanMotion(IEnumerable<SequenceFrames> sequences)
    {
        var sum = new double[6]; int n = 0;
        foreach (var s in sequences)
        {
            if (s.Poses is not { } p) continue;
            for (int i = 0; i + 1 < p.Length; i++)
            {
                var v = PoseMath.RelativeVector(p[i], p[i + 1]);
                for (int j = 0; j < 6; j++) sum[j] += v[j];
                n++;
            }
        }
        return n == 0 ? sum : sum.Select(x => x / n).ToArray();
    }
}
