using TorchSharp;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>
/// Training options: the port's Adam lr 2e-4 and loss weights 1 / 0 for photometric / mask, changed for a budget of
/// 10³ steps instead of the port's 10⁵ (start depth, valid-pixel mean, smoothness; see <see cref="StudyLoss"/>). The
/// port's recipe is <c>Weights: LossWeights.Port, InitialDepth: null</c>. <paramref name="InitialDepth"/>:
/// where a fresh DepthNet starts, in metres (null: the port's init, centred on 0.2). Both pose outputs are scaled by
/// 0.01, so at the port's depth scale a sideways translation moves the image as cheaply as a turn; a deeper start makes
/// the turn the cheaper explanation. <paramref name="ForwardTranslationScale"/>: the forward translation's own output
/// scale (null: <paramref name="TranslationScale"/>); a larger scale for tz alone lets a short run learn how far the
/// camera drives while sideways slides stay dearer than turns. The measurements behind both are in environment.md
/// ("SfMLearner's training recipe, measured").
/// </summary>
/// <param name="ChainedSteps">the PoseNet predicts frame-to-frame steps composed into each reference's motion
/// (<see cref="PoseExpNet.ChainedSteps"/>).</param>
/// <param name="PoseLearningRate">the PoseNet's own Adam rate (null: <paramref name="LearningRate"/>, as the
/// port).</param>
/// <param name="LowRateEpochs">the last epochs run at a tenth of both networks' rates (0: the port's constant
/// rate).</param>
/// <param name="DepthWarmupEpochs">the first epochs train the PoseNet alone, on the fresh DepthNet's depth (about
/// <paramref name="InitialDepth"/> everywhere), before both learn (0: the port, both from the start).</param>
/// <param name="NearReferenceEpochs">a curriculum over motion size: the first epochs' loss reconstructs the target from
/// the references one frame away only (half the two-frame references' motion), then from every reference (0: the
/// port).</param>
/// <param name="DepthWidth">the DepthNet's channel multiplier (1: the port's; 0.5: a quarter of its
/// multiply-adds).</param>
/// <param name="PoseWidth">the PoseNet's channel multiplier (1: the port's).</param>
public sealed record SfmTrainingOptions(int Epochs = 4, int BatchSize = 4, double LearningRate = 2e-4,
    int SequenceLength = 3,
    LossWeights? Weights = null, int Seed = Seeds.Default, double? InitialDepth = SfmTrainingOptions.StudyInitialDepth,
    double TranslationScale = SfmTrainingOptions.PortTranslationScale,
    double? ForwardTranslationScale = null, bool ScaleByOffset = false, int LowRateEpochs = 0,
        double? PoseLearningRate = null,
    bool ChainedSteps = false, int DepthWarmupEpochs = 0, double DepthWidth = 1, double PoseWidth = 1,
        int NearReferenceEpochs = 0)
{
    /// <summary>The PoseNet's Adam rate: <see cref="PoseLearningRate"/>, or <see cref="LearningRate"/> as the
    /// port.</summary>
    public double PoseRate => PoseLearningRate ?? LearningRate;

    /// <summary>The port's PoseNet translation output scale: a metre needs a raw output of 100.</summary>
    public const double PortTranslationScale = 0.01;

    /// <summary>The workspace's starting depth of a fresh DepthNet, metres.</summary>
    public const double StudyInitialDepth = 5;

    /// <summary>The workspace's forward translation scale (tz; the other translations keep the port's 0.01).</summary>
    public const double StudyForwardTranslationScale = 0.1;

    /// <summary>The workspace's loss: the port's photometric 1 and mask 0, the photometric term averaged over the
    /// pixels valid in every reference of the snippet (so forward and backward references, whose valid pixels differ at
    /// the image border, are fitted on the same pixels), and the smoothness rescaled to the starting depth. The port
    /// applies its second-order smoothness to depth, so the term grows with the depth scale: its 0.1 at its 0.2 m start
    /// is 0.1 x 0.2 / 5 = 0.004 at our 5 m.</summary>
    public static readonly LossWeights StudyLoss =
        new(Photometric: 1, Explainability: 0, Smoothness: 0.004, OverValidPixels: true,
        CommonValidPixels: true);

    public LossWeights LossWeights => Weights ?? StudyLoss;

    /// <summary>The settings a model trained with these options records (and is built from): frame size, training
    /// sequences and their mean motion, beside the loss and the PoseNet's output options.</summary>
    public SfmSettings SettingsFor(int width, int height, IReadOnlyList<string> trainSequences, double[] meanMotion) =>
        new(SequenceLength, width, height, LossWeights.Explainability > 0, trainSequences, meanMotion, LossWeights,
            TranslationScale, ForwardTranslationScale, ScaleByOffset, ChainedSteps, DepthWidth, PoseWidth);

    /// <summary>The workspace's PoseNet rate, five times the port's 2e-4 (the DepthNet keeps 2e-4): the rate at which
    /// the PoseNet, given the true depth, comes near the pose ceiling (environment.md, "What holds SfMLearner back").
    /// </summary>
    public const double StudyPoseLearningRate = 1e-3;

    /// <summary>Batch 4; the profile's data sets the steps. quick: 3 epochs of the quick sequences with the port's
    /// DepthNet. full: 12 epochs of the full sequences with the DepthNet at <see cref="StudyFullDepthWidth"/>, within
    /// the 2-hour budget of the full reproduce. The study's loss, forward translation scale and PoseNet rate, and the
    /// last epoch at a tenth of both rates. The measurements behind them (ATE per seed, training time, why quick keeps
    /// the port's DepthNet) are in environment.md ("The winding road", "What holds SfMLearner back" and "Narrower
    /// networks, geometry consistency, a curriculum").</summary>
    public static SfmTrainingOptions ForProfile(Profile p) =>
        new(Epochs: p == Profile.Full ? 12 : 3, BatchSize: 4, Weights: StudyLoss,
        ForwardTranslationScale: StudyForwardTranslationScale, LowRateEpochs: 1,
            PoseLearningRate: StudyPoseLearningRate,
        DepthWidth: p == Profile.Full ? StudyFullDepthWidth : 1);

    /// <summary>The full profile's DepthNet width: half the port's channels (a quarter of its multiply-adds).</summary>
    public const double StudyFullDepthWidth = 0.5;
}

/// <summary>One optimisation step's losses.</summary>
public sealed record SfmStep(int Epoch, int Step, double Total, double Photometric, double Smoothness,
    double Explainability, double Consistency = 0);

/// <summary>Loss history of a training run, and its wall time.</summary>
public sealed record SfmTrainingHistory(IReadOnlyList<SfmStep> Steps, double Seconds)
{
    /// <summary>Mean total loss of each epoch.</summary>
    public IReadOnlyList<double> EpochMeans() =>
        Steps.GroupBy(s => s.Epoch).OrderBy(g => g.Key).Select(g => g.Average(s => s.Total)).ToList();
}

/// <summary>Per-sample total loss and its parts for one snippet batch (depth and pose networks in their current
/// mode).</summary>
/// <param name="Consistency">the geometry consistency per sample [B] (zeros when its weight is 0).</param>
public sealed record SfmLosses(Tensor Total, Tensor Photometric, Tensor Smoothness, Tensor Explainability, Tensor Pose,
    Tensor[] Disparities, Tensor[] Masks,
    Tensor Consistency);

public static class SfmTrainer
{
    /// <summary>
    /// The view-synthesis objective of one batch: disparities from DepthNet on the target, pose (and masks) from
    /// PoseNet; total per sample [B] = w_p·photometric + w_s·smoothness + w_m·explainability (the last a batch
    /// term added to every sample) + w_g·geometry consistency (SC-SfMLearner's; 0 in the port). The batch mean is the
    /// port's training loss.
    /// </summary>
    /// <param name="lossReferences">the references whose reconstruction counts (indices into
    /// <paramref name="references"/>; null: all). The PoseNet still sees every frame; a curriculum over motion size
    /// uses the nearest references first.</param>
    public static SfmLosses Objective(SfmLearner model, Tensor target, Tensor[] references, Tensor intrinsics,
        LossWeights w,
        IReadOnlyList<int>? lossReferences = null)
    {
        bool consistency = w.DepthConsistency > 0;
        Tensor[] disparities, referenceDepths = [];
        if (consistency)
        {
            // one DepthNet pass over every frame of the snippet: the target's first, then each reference's
            long b = target.shape[0];
            var all = model.DepthNet.call(cat([target, .. references], 0));
            disparities = all.Select(d => d[..(int)b]).ToArray();
            referenceDepths = references.Select((_, i) => 1 / all[0][(int)(b * (i + 1))..(int)(b * (i + 2))]).ToArray();
        }
        else disparities = model.DepthNet.call(target);
        var depths = disparities.Select(d => 1 / d).ToArray();
        var pose = model.PoseNet.call(target, references);
        var warpPose = pose.Pose;
        var (lossRefs, lossMasks) = (references, w.Explainability > 0 ? pose.Masks : []);
        if (lossReferences is not null)
        {
            var index = tensor(lossReferences.Select(i => (long)i).ToArray(), device: target.device);
            lossRefs = lossReferences.Select(i => references[i]).ToArray();
            referenceDepths = referenceDepths.Length == 0 ? []
                : lossReferences.Select(i => referenceDepths[i]).ToArray();
            warpPose = warpPose.index_select(1, index);
            lossMasks = lossMasks.Select(m => m.index_select(1, index)).ToArray();
        }
        var photometric = ViewSynthesisLoss.PhotometricPerSample(target, lossRefs, intrinsics, depths,
            lossMasks, warpPose, w.OverValidPixels, w.CommonValidPixels, w.Ssim, w.UpsampledScales, w.CentredScales,
            w.MinimumReprojection, w.OutOfViewAsUnwarped);
        var smooth = ViewSynthesisLoss.SmoothnessPerSample(w.SmoothDisparity ? disparities : depths);
        var explain = pose.Masks.Length > 0 ? ViewSynthesisLoss.Explainability(pose.Masks) : zeros(1).squeeze();
        var geometry = consistency
            ? ViewSynthesisLoss.DepthConsistencyPerSample(depths[0], referenceDepths, intrinsics, warpPose)
            : zeros_like(photometric);
        var total = photometric * w.Photometric + smooth * w.Smoothness + explain * w.Explainability
            + geometry * w.DepthConsistency;
        return new SfmLosses(total, photometric, smooth, explain, pose.Pose, disparities, pose.Masks, geometry);
    }

    /// <summary>The references one frame from the target in a snippet of <paramref name="length"/> frames (t−1 and t+1;
    /// every reference of a 3-frame snippet), as indices into its references (ordered t−k .. t−1, t+1 ..
    /// t+k).</summary>
    public static int[] NearReferences(int length) => length == 3 ? [0, 1] : [length / 2 - 1, length / 2];

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

    /// <summary>A new SfMLearner for <paramref name="o"/>, its weights drawn after seeding with <c>o.Seed</c>: the same
    /// seed gives the same starting weights in every process (environment.md, "Same seed, same numbers").</summary>
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
        var groups = new List<(IEnumerable<TorchSharp.Modules.Parameter> Parameters, double Rate, bool Depth)>
        {
            (model.PoseNet.parameters(), o.PoseRate, false), (model.DepthNet.parameters(), o.LearningRate, true),
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
            if (SfmCheckpoint.NonFiniteKey(model) is { } key) throw NonFiniteException.InWeights(checkpointPath, key);
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
                foreach (var (g, group) in adam.ParamGroups.Zip(groups))
                    // a rate of 0 leaves Adam's step at 0
                    g.LearningRate = group.Depth && epoch < o.DepthWarmupEpochs ? 0 : group.Rate * factor;
                foreach (var batch in EpochBatches(items, o.Seed, epoch, o.BatchSize))
                {
                    using var scope = NewDisposeScope();
                    var (target, refs, k, order) = BatchSnippets(sequences, batch, o.SequenceLength, device);
                    var l = Objective(model, target, refs, k, o.LossWeights,
                        epoch < o.NearReferenceEpochs ? NearReferences(o.SequenceLength) : null);
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
                    // No NativeCallGuard here: its no-GC region slows this trainer several-fold (environment.md,
                    // "Claims, cache keys, and what the code's comments no longer narrate").
                    adam.step();
                    var step = new SfmStep(epoch, steps.Count, total, l.Photometric.mean().item<float>(),
                        l.Smoothness.mean().item<float>(), l.Explainability.item<float>(),
                            l.Consistency.mean().item<float>());
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

    /// <summary>The training set's mean frame-to-frame motion (6-vector, previous -> next camera), the mean-motion
    /// baseline.</summary>
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
