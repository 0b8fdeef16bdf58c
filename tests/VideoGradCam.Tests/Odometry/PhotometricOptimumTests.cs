using VideoGradCam.Odometry;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

/// <summary>Refining poses directly on the view-synthesis loss: on the true depth the loss's minimum lies near the true
/// motion, so a perturbed truth is pulled back towards it; <see cref="PhotometricOptimum.Measure"/> reports both depths
/// and both starts on every Nth snippet.</summary>
public class PhotometricOptimumTests
{
    [Fact]
    public void OnTheTrueDepthRefiningPullsAPerturbedMotionBackToTheTruth()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 40, seed: 11, width: 128, height: 40);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 128, 40);
        using var model = new SfmLearner(new SfmSettings(5, 128, 40, Loss: SfmTrainingOptions.StudyLoss,
            ForwardTranslationScale: SfmTrainingOptions.StudyForwardTranslationScale));
        using var scope = NewDisposeScope();
        int[] targets = [8, 16, 24, 32];
        var snip = seq.Snippet(targets, 5);
        var depth = stack(targets.Select(t => seq.Depth![t]).ToList()).unsqueeze(1);
        var depths = new[] { depth.masked_fill(depth <= 0, 1000f) };
        var truth = tensor(targets.SelectMany(t => seq.ReferencePoses(t, 5).SelectMany(p => p.Select(v => (float)v)))
            .ToArray(), [4, 4, 6]);
        manual_seed(1);
        var noise = randn(4, 4, 6) * tensor(new[] { 0.03f, 0.03f, 0.3f, 0.03f, 0.03f, 0.03f });   // 3 raw output units
        var (refined, before, after) = PhotometricOptimum.Refine(snip, depths, truth + noise, model, steps: 150);
        double Distance(Tensor pose) => (pose - truth).abs().mean().item<float>();
        Assert.True(after < 0.8 * before, $"loss {before:0.0000} -> {after:0.0000}");
        Assert.True(Distance(refined) < 0.5 * Distance(truth + noise),
            $"distance to the truth {Distance(truth + noise):0.0000} -> {Distance(refined):0.0000}");
    }

    [Fact]
    public void MeasureReportsBothDepthsAndBothStartsOnEveryNthSnippet()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 12, seed: 4);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        manual_seed(2);
        using var model =
            new SfmLearner(new SfmSettings(5, 64, 24, Loss: SfmTrainingOptions.StudyLoss), initialDepth: 5);
        var rows = PhotometricOptimum.Measure(model, [seq], every: 3, steps: 5, batchSize: 2);
        Assert.Equal(4, rows.Count);                                   // 8 snippets of 5 frames, every 3rd: 0, 3, 6
        Assert.All(rows, r => Assert.Equal(3, r.Snippets));
        Assert.Equal(new[] { PhotometricOptimum.OwnDepth, PhotometricOptimum.TrueDepth },
            rows.Select(r => r.Depth).Distinct().ToArray());
        var fromTruth = rows.Where(r => r.Start == PhotometricOptimum.FromTruth).ToList();
        Assert.All(fromTruth, r => Assert.Equal(0, r.AteBefore, 6));
        Assert.All(rows, r =>
            Assert.True(r.LossAfter <= r.LossBefore, $"{r.Depth} from {r.Start}: {r.LossBefore} -> {r.LossAfter}"));
    }
}
