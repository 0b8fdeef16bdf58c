using VideoGradCam.Cam;
using VideoGradCam.Cam.Metrics;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

public class CamMetricsTests
{
    static Tensor PeakAt(int y, int x, int size = 64)
    {
        var m = zeros(1, 1, size, size);
        m[0, 0, y, x] = tensor(1f);
        return m;
    }

    static Tensor BoxMask(int y0, int y1, int x0, int x1, int size = 64)
    {
        var m = zeros(1, 1, size, size, dtype: ScalarType.Bool);
        m[0, 0, y0..y1, x0..x1] = tensor(true);
        return m;
    }

    [Fact]
    public void PointingGameHitsWithinFifteenPixelsAndMissesBeyond()
    {
        using var scope = NewDisposeScope();
        var mask = BoxMask(20, 30, 20, 30);                   // rows/cols 20..29
        Assert.Equal(1, PointingGame.Evaluate(PeakAt(25, 25), mask).Hits);
        Assert.Equal(1, PointingGame.Evaluate(PeakAt(25, 44), mask).Hits);  // 15 px right of column 29
        Assert.Equal(0, PointingGame.Evaluate(PeakAt(25, 45), mask).Hits);  // 16 px
        Assert.Equal(0, PointingGame.Evaluate(PeakAt(41, 41), mask).Hits);  // diagonal 12,12 -> 17 px: outside the disk
        Assert.Equal(0, PointingGame.Evaluate(zeros(1, 1, 64, 64), mask).Hits); // all-zero map points nowhere
        Assert.Equal(1, PointingGame.Evaluate(zeros(1, 1, 64, 64), mask).Frames);
    }

    [Fact]
    public void PointingGameScoresOnlyRelevantFramesWithAMask()
    {
        using var scope = NewDisposeScope();
        var maps = cat([PeakAt(25, 25), PeakAt(25, 25), PeakAt(0, 0)], 1);      // [1,3,64,64]
        var masks =
            cat([BoxMask(20, 30, 20, 30), zeros(1, 1, 64, 64, dtype: ScalarType.Bool), BoxMask(20, 30, 20, 30)], 1);
        var r = PointingGame.Evaluate(maps, masks, tensor(new[] { true, true, false }).reshape(1, 3));
        Assert.Equal(new PointingResult(1, 1), r);
    }

    [Fact]
    public void EnergyPointingGameIsTheShareOfMapEnergyInsideTheMask()
    {
        using var scope = NewDisposeScope();
        var map = zeros(1, 1, 64, 64);
        map[0, 0, 0..10, 0..10] = full(10, 10, 1f);       // 100 inside
        map[0, 0, 50..60, 50..60] = full(10, 10, 3f);     // 300 outside
        var r = EnergyPointingGame.Evaluate(map, BoxMask(0, 10, 0, 10));
        Assert.Equal(0.25, r.MeanShare, 6);
    }

    [Fact]
    public void RocAucCountsTiesAsHalf()
    {
        Assert.Equal(0.75, RocAuc.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 10);
        Assert.Equal(0.5, RocAuc.Compute([1, 1, 1, 1], [false, true, false, true]), 10);
        // pairs: 1, 0.5 (tie), 1, 1
        Assert.Equal(0.875, RocAuc.Compute([0.2, 0.5, 0.5, 0.9], [false, true, false, true]), 10);
        Assert.True(double.IsNaN(RocAuc.Compute([0.2, 0.5], [true, true])));
    }

    [Fact]
    public void SpearmanIsOneForMonotoneAndMinusOneForReversedRankings()
    {
        double[] a = [1, 2, 3, 4, 5];
        Assert.Equal(1, Ranks.Spearman(a, a.Select(v => Math.Exp(v)).ToArray()), 10);
        Assert.Equal(-1, Ranks.Spearman(a, a.Select(v => -v).ToArray()), 10);
        Assert.Equal(0, Ranks.Spearman(a, [2, 2, 2, 2, 2]));
    }

    [Fact]
    public void PearsonMeasuresLinearAgreementAndHasNoneWithAConstant()
    {
        double[] a = [1, 2, 3, 4, 5];
        Assert.Equal(1, Ranks.Pearson(a, a.Select(v => 3 * v - 1).ToArray())!.Value, 10);
        Assert.True(Ranks.Pearson(a, a.Select(v => Math.Exp(v)).ToArray()) < 0.95);   // monotone, not linear
        Assert.Null(Ranks.Pearson(a, [2, 2, 2, 2, 2]));
        // rounding noise counts as constant
        Assert.Null(Ranks.Pearson(a, [2, 2, 2, 2, 2 + 1e-12], constantBelow: 1e-9));
        Assert.NotNull(Ranks.Pearson(a, [2, 2, 2, 2, 2.001], constantBelow: 1e-9));
    }

    [Fact]
    public void TemporalRelevanceRanksRelevantFrames()
    {
        using var scope = NewDisposeScope();
        var importance = tensor(new float[] { 0.1f, 0.5f, 0.3f, 0.1f, 0.4f, 0.3f, 0.2f, 0.1f }).reshape(2, 4);
        var relevant = tensor(new[] { false, true, true, false, false, false, true, true }).reshape(2, 4);
        var r = TemporalRelevance.Evaluate(importance, relevant);
        Assert.Equal(1.0, r.PerClip[0], 10);
        Assert.Equal(0.0, r.PerClip[1], 10);
        Assert.Equal(0.5, r.Mean, 10);
    }

    [Fact]
    public void AttentionAgreementMeasuresMassOnRelevantFrames()
    {
        using var scope = NewDisposeScope();
        var attention = tensor(new float[] { 0.1f, 0.6f, 0.2f, 0.1f }).reshape(1, 4);
        var relevant = tensor(new[] { false, true, true, false }).reshape(1, 4);
        var r = AttentionAgreement.Evaluate(attention, relevant);
        Assert.Equal(0.8, r.MassOnRelevant, 6);
        Assert.Equal(0.5, r.ChanceMass, 6);
        Assert.Equal(1.0, r.Auc.Mean, 6);
    }

    [Fact]
    public void DeletionAndInsertionRewardTheMapThatFindsTheEvidence()
    {
        using var scope = NewDisposeScope();
        // The "model": the probability rises with the mean brightness of a 6x6 region in frame 2.
        var clips = rand(new long[] { 1, 3, 4, 16, 16 }) * 0.1;
        clips[0, .., 2, 4..10, 4..10] += 1;
        Tensor Probability(Tensor batch, int _) => (batch[.., .., 2, 4..10, 4..10].mean([1, 2, 3]) * 6 - 3).sigmoid();
        var good = zeros(1, 4, 16, 16);
        good[0, 2, 4..10, 4..10] = ones(6, 6);
        var bad = zeros(1, 4, 16, 16);
        bad[0, 0, 0..6, 0..6] = ones(6, 6);
        foreach (var baseline in Enum.GetValues<PerturbationBaseline>())
        {
            var g = DeletionInsertion.Evaluate(Probability, clips, good, steps: 10, baseline: baseline, batchSize: 4);
            var b = DeletionInsertion.Evaluate(Probability, clips, bad, steps: 10, baseline: baseline, batchSize: 4);
            Assert.Equal(11, g.DeletionCurves[0].Length);
            Assert.True(g.MeanDeletionAuc < b.MeanDeletionAuc - 0.1,
                $"{baseline}: deletion {g.MeanDeletionAuc} vs {b.MeanDeletionAuc}");
            Assert.True(g.MeanInsertionAuc > b.MeanInsertionAuc + 0.1,
                $"{baseline}: insertion {g.MeanInsertionAuc} vs {b.MeanInsertionAuc}");
        }
    }

    [Fact]
    public void DeletionAndInsertionShareTheirEndsAndMatchPerturbingStepByStep()
    {
        using var scope = NewDisposeScope();
        var clips = rand(new long[] { 2, 3, 4, 12, 12 });
        var maps = rand(new long[] { 2, 4, 12, 12 });
        var weights = randn(3 * 4 * 12 * 12);
        int forwarded = 0;
        Tensor Probability(Tensor batch, int _)
        {
            forwarded += (int)batch.shape[0];
            return (batch.flatten(1).matmul(weights) / 100).sigmoid();
        }
        const int steps = 6;
        var r = DeletionInsertion.Evaluate(Probability, clips, maps, steps: steps, baseline: PerturbationBaseline.Zero,
            batchSize: 5);
        Assert.Equal(2 * 2 * steps, forwarded);        // per clip: 2 ends + 2 x (steps - 1) between
        for (int b = 0; b < 2; b++)
        {
            // The reference: rank pixels by the map, replace the top k/steps by zeros (deletion) or start from zeros
            // and copy them (insertion), one forward pass per step.
            var order = maps[b].flatten().argsort(descending: true);
            for (int k = 0; k <= steps; k++)
            {
                long changed = (long)Math.Round((double)k / steps * order.numel());
                var chosen = zeros(order.numel(), dtype: ScalarType.Bool);
                if (changed > 0) chosen[order[..(int)changed]] = tensor(true);
                chosen = chosen.reshape(1, 4, 12, 12);
                var deleted = where(chosen, zeros_like(clips[b]), clips[b]).unsqueeze(0);
                var inserted = where(chosen, clips[b], zeros_like(clips[b])).unsqueeze(0);
                Assert.Equal(Probability(deleted, b).item<float>(), r.DeletionCurves[b][k], 5);
                Assert.Equal(Probability(inserted, b).item<float>(), r.InsertionCurves[b][k], 5);
            }
        }
    }

    [Fact]
    public void SpearmanOfRowsEqualsSpearmanOfEachPairWithTiesAndConstants()
    {
        using var scope = NewDisposeScope();
        // Rounded values: many ties, as maps after ReLU have (all the zeros); the last row of b is constant.
        var a = (rand(5, 300) * 6).floor();
        var b = (rand(5, 300) * 4).floor() + a * 0.5;
        b[4] = full(300, 2.0f);
        var rows = Ranks.SpearmanRows(a, b);
        for (int i = 0; i < 5; i++)
        {
            var one = Ranks.Spearman(a[i].to(ScalarType.Float64).data<double>().ToArray(),
                b[i].to(ScalarType.Float64).data<double>().ToArray());
            Assert.Equal(one, rows[i], 12);
        }
        Assert.Equal(0, rows[4]);
        Assert.Equal([1.0, 2.5, 2.5, 4.0], Ranks.Average([3.0, 7.0, 7.0, 9.0]));
    }

    [Fact]
    public void ModelRandomisationWithoutIntermediateStepsEndsWhereTheCascadeEnds()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 6);
        var engine = new CamEngine(model);
        var clips = randn(new long[] { 2, 3, 4, 12, 12 });
        ICamTarget[] targets = [new ClassTarget(0), new ClassTarget(1)];
        var cascade = ModelRandomisation.Run(engine, model, clips, targets, "conv2");
        var last = ModelRandomisation.Run(engine, model, clips, targets, "conv2", everyStep: false);
        Assert.Equal(["conv1"], last.Steps.Select(s => s.Layer));
        Assert.Equal(cascade.Steps[^1].Spearman, last.Steps[0].Spearman);
        Assert.Equal(cascade.Passed, last.Passed);
    }

    [Fact]
    public void ModelRandomisationLowersRankCorrelationAndRestoresParameters()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 6);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        var engine = new CamEngine(model);
        var clips = randn(new long[] { 2, 3, 4, 12, 12 });
        var r = ModelRandomisation.Run(engine, model, clips, [new ClassTarget(0), new ClassTarget(1)], "conv2");
        Assert.Equal(["fc", "conv2", "conv1"], r.Steps.Select(s => s.Layer));
        Assert.True(r.Passed, string.Join("; ", r.Steps.Select(s => $"{s.Layer}: {s.Spearman:0.###}")));
        Assert.True(r.Steps[^1].Spearman < 0.5);
        var after = model.parameters().ToList();
        for (int i = 0; i < before.Count; i++) Assert.True(before[i].allclose(after[i], rtol: 0, atol: 0),
            "parameters must be restored");
    }
}
