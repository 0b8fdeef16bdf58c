using TorchSharp;
using VideoGradCam.Cam;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

public class CamEngineTests
{
    static readonly CamMethod[] AllMethods = Enum.GetValues<CamMethod>();

    static ICamTarget[] Classes(params int[] k) => k.Select(c => (ICamTarget)new ClassTarget(c)).ToArray();

    [Theory]
    [InlineData(TemporalWeighting.Global)]
    [InlineData(TemporalWeighting.TimeResolved)]
    public void GradCamWeightsEqualClassifierRowOverPooledPositions(TemporalWeighting weighting)
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 4, classes: 3, dtype: ScalarType.Float64);
        var clips = randn(new long[] { 2, 3, 4, 8, 8 }, dtype: ScalarType.Float64);
        using var r = new CamEngine(model, CamMethod.GradCam, weighting).Explain(clips, Classes(2, 0), "conv2");
        double positions = 4 * 4 * 4; // conv2 is [B,C,4,4,4]
        for (int b = 0; b < 2; b++)
        {
            var row = model.fc.weight![b == 0 ? 2 : 0];              // [C]
            var w = weighting == TemporalWeighting.Global ? r.Weights[b].unsqueeze(0) : r.Weights[b]; // [t',C]
            Assert.Equal(weighting == TemporalWeighting.Global ? 1 : 4, w.shape[0]);
            var expected = row.unsqueeze(0).expand_as(w);
            Assert.True((w * positions - expected).abs().max().item<double>() < 1e-6,
                "w * positions must equal the fc row");
        }
    }

    [Fact]
    public void GradientWithRespectToActivationMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 3, classes: 3, dtype: ScalarType.Float64);
        var clips = randn(new long[] { 1, 3, 2, 6, 6 }, dtype: ScalarType.Float64);
        // HiResCAM's weights are the gradient itself, [B,t,h,w,C].
        using var r = new CamEngine(model, CamMethod.HiResCam).Explain(clips, [new ClassProbabilityTarget(1)], "conv1");
        Tensor a1;
        using (no_grad()) a1 = model.Conv1(clips);                   // [1,C,t,h,w]
        double Score(Tensor a) { using (no_grad()) return model.HeadFromConv1(a).softmax(1)[0, 1].item<double>(); }
        var rng = new Random(5);
        const double eps = 1e-6;
        for (int i = 0; i < 12; i++)
        {
            int c = rng.Next(3), t = rng.Next(2), y = rng.Next(6), x = rng.Next(6);
            var plus = a1.clone(); plus[0, c, t, y, x] += eps;
            var minus = a1.clone(); minus[0, c, t, y, x] -= eps;
            double fd = (Score(plus) - Score(minus)) / (2 * eps);
            double g = r.Weights[0, t, y, x, c].item<double>();
            Assert.True(Math.Abs(fd - g) <= 1e-7 + 1e-5 * Math.Abs(fd),
                $"grad {g} vs finite difference {fd} at c={c},t={t},y={y},x={x}");
        }
    }

    [Fact]
    public void ZeroGradientsGiveAllZeroMapsNeverNaN()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet();
        using (no_grad()) model.fc.weight!.zero_();
        var clips = randn(new long[] { 2, 3, 4, 8, 8 });
        foreach (var method in AllMethods)
        foreach (var weighting in Enum.GetValues<TemporalWeighting>())
        {
            using var r = new CamEngine(model, method, weighting).Explain(clips, Classes(0, 1), "conv2");
            Assert.False(r.Maps.isnan().any().item<bool>(), $"{method}: NaN in maps");
            Assert.Equal(0.0, r.Maps.abs().max().item<float>());
            Assert.Equal(0.0, r.FrameImportance.abs().max().item<float>());
        }
    }

    [Fact]
    public void ConstantMapsNormaliseToZeros()
    {
        using var scope = NewDisposeScope();
        var maps = stack([full(2, 5, 5, 0.7f), arange(50, dtype: ScalarType.Float32).reshape(2, 5, 5)]); // [2,2,5,5]
        var n = CamMaps.NormalisePerClip(maps);
        Assert.Equal(0.0, n[0].abs().max().item<float>());
        Assert.Equal(0.0, n[1].min().item<float>());
        Assert.Equal(1.0, n[1].max().item<float>(), 6);
        Assert.False(n.isnan().any().item<bool>());
    }

    [Fact]
    public void ChangingTheTargetClassChangesTheMap()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 6);
        var clips = randn(new long[] { 1, 3, 4, 8, 8 });
        var engine = new CamEngine(model);
        using var a = engine.Explain(clips, Classes(0), "conv2");
        using var b = engine.Explain(clips, Classes(1), "conv2");
        Assert.True((a.Maps - b.Maps).abs().max().item<float>() > 0.05);
    }

    [Theory]
    [InlineData(CamMethod.GradCam)]
    [InlineData(CamMethod.HiResCam)]
    [InlineData(CamMethod.XGradCam)]
    [InlineData(CamMethod.LayerCam)]
    public void ScalingTheScoreByAPositiveConstantLeavesTheMapUnchanged(CamMethod method)
    {
        // These four are linear (or positively homogeneous, LayerCAM's ReLU) in the gradient: scaling the score scales
        // the raw map, which min-max normalisation removes. Grad-CAM++ is not (see the next test).
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 6);
        var clips = randn(new long[] { 2, 3, 4, 8, 8 });
        var engine = new CamEngine(model, method, TemporalWeighting.TimeResolved);
        using var plain = engine.Explain(clips, Classes(0, 2), "conv2");
        ICamTarget Scaled(int k) => new FunctionTarget((o, s) => o["logits"][s, k] * 37.5);
        using var scaled = engine.Explain(clips, [Scaled(0), Scaled(2)], "conv2");
        Assert.True(plain.Maps.allclose(scaled.Maps, rtol: 1e-4, atol: 1e-5));
        Assert.True((plain.RawMaps * 37.5).allclose(scaled.RawMaps, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void GradCamPlusPlusIsNotScaleInvariantButKeepsWhichChannelsCount()
    {
        // alpha = 1 / (2 + sum(A) G): scaling G by c changes alpha non-uniformly, so the map changes in general; the
        // set of channels with a non-zero weight (those with positive gradients) does not.
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 6);
        var clips = randn(new long[] { 1, 3, 4, 8, 8 });
        var engine = new CamEngine(model, CamMethod.GradCamPlusPlus);
        using var plain = engine.Explain(clips, Classes(1), "conv2");
        using var scaled = engine.Explain(clips, [new FunctionTarget((o, s) => o["logits"][s, 1] * 1e4)], "conv2");
        Assert.True((plain.Maps - scaled.Maps).abs().max().item<float>() > 1e-3);
        Assert.True(((plain.Weights > 0) == (scaled.Weights > 0)).all().item<bool>());
    }

    [Theory]
    [InlineData(TemporalWeighting.Global)]
    [InlineData(TemporalWeighting.TimeResolved)]
    public void PerFrameMapsFollowTimeOrder(TemporalWeighting weighting)
    {
        using var scope = NewDisposeScope();
        const int T = 6;
        var model = new TinyCnnLstm().MakeMonotone();
        var engine = new CamEngine(model, CamMethod.GradCam, weighting);
        for (int k = 0; k < T; k++)
        {
            // Two clips in one batch, evidence at frame k and at frame T-1-k: catches both time reversal and clip/time
            // mix-ups.
            var clips = zeros(new long[] { 2, 3, T, 8, 8 });
            clips[0, .., k, 2..5, 3..6] = ones(3, 3, 3);
            clips[1, .., T - 1 - k, 4..7, 1..4] = ones(3, 3, 3);
            using var r = engine.Explain(clips, Classes(0, 0), "features");
            Assert.Equal(k, r.FrameImportance[0].argmax().item<long>());
            Assert.Equal(T - 1 - k, r.FrameImportance[1].argmax().item<long>());
            Assert.Equal(1.0, r.FrameImportance[0, k].item<float>(), 5);
        }
    }

    public static IEnumerable<object[]> MethodsAndLayouts() =>
        from m in AllMethods from layout in new[] { "image", "volume", "framewise" } select new object[] { m, layout };

    [Theory]
    [MemberData(nameof(MethodsAndLayouts))]
    public void EveryMethodGivesFiniteMapsInUnitRangeOnFourAndFiveDimensionalActivations(CamMethod method,
        string layout)
    {
        using var scope = NewDisposeScope();
        (ICamModel model, Tensor input, string layer, ICamTarget[] targets, int T) = layout switch
        {
            "image" => ((ICamModel)new TinyImageRegressor(), randn(2, 3, 12, 12), "conv",
                new ICamTarget[] { new RegressionTarget("pose", 2), new NegativeLossTarget() }, 1),
            "volume" => (new TinyConv3dNet(), randn(new long[] { 2, 3, 4, 12, 12 }), "conv2", Classes(0, 1), 4),
            _ => (new TinyCnnLstm(), randn(new long[] { 2, 3, 4, 12, 12 }), "features", Classes(1, 0), 4),
        };
        foreach (var weighting in Enum.GetValues<TemporalWeighting>())
        {
            using var r = new CamEngine(model, method, weighting).Explain(input, targets, layer);
            Assert.Equal(new long[] { 2, T, 12, 12 }, r.Maps.shape);
            Assert.True(r.Maps.isfinite().all().item<bool>());
            Assert.True(r.Maps.min().item<float>() >= 0 && r.Maps.max().item<float>() <= 1);
            Assert.Equal(new long[] { 2, T }, r.FrameImportance.shape);
            Assert.True(r.RawMaps.isfinite().all().item<bool>() && r.Weights.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void EveryMethodFromOneBackwardPassEqualsExplainingWithEachMethodAlone()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 5);
        var clips = randn(new long[] { 2, 3, 4, 8, 8 });
        var configs = Enum.GetValues<CamMethod>().SelectMany(m => Enum.GetValues<TemporalWeighting>()
            .Select(w => (m, w))).ToList();
        var shared = new CamEngine(model).ExplainEach(clips, Classes(2, 0), "conv2", configs);
        Assert.Equal(configs.Count, shared.Count);
        for (int i = 0; i < configs.Count; i++)
        {
            using var alone = new CamEngine(model, configs[i].m, configs[i].w).Explain(clips, Classes(2, 0), "conv2");
            Assert.True(shared[i].Maps.allclose(alone.Maps, rtol: 0, atol: 0), $"{configs[i]}: maps differ");
            Assert.True(shared[i].RawMaps.allclose(alone.RawMaps, rtol: 0, atol: 0), $"{configs[i]}: raw maps differ");
            Assert.True(shared[i].Weights.allclose(alone.Weights, rtol: 0, atol: 0), $"{configs[i]}: weights differ");
            Assert.True(shared[i].GradientImportance.allclose(alone.GradientImportance, rtol: 0, atol: 0),
                $"{configs[i]}");
        }
        foreach (var r in shared) r.Dispose();
    }

    [Fact]
    public void TwoTargetSetsFromOneForwardPassEqualExplainingEachAlone()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 5);
        var clips = randn(new long[] { 2, 3, 4, 8, 8 });
        var engine = new CamEngine(model, CamMethod.GradCamPlusPlus, TemporalWeighting.TimeResolved);
        var sets = engine.ExplainEach(clips, [Classes(2, 0), Classes(1, 1)], "conv2",
            [(CamMethod.GradCamPlusPlus, TemporalWeighting.TimeResolved)]);
        using var first = engine.Explain(clips, Classes(2, 0), "conv2");
        using var second = engine.Explain(clips, Classes(1, 1), "conv2");
        Assert.True(sets[0][0].Maps.allclose(first.Maps, rtol: 0, atol: 0));
        Assert.True(sets[1][0].Maps.allclose(second.Maps, rtol: 0, atol: 0));
        Assert.False(sets[0][0].Maps.allclose(sets[1][0].Maps));
    }

    [Theory]
    [InlineData(CamMethod.GradCam)]
    [InlineData(CamMethod.GradCamPlusPlus)]
    public void BatchWithDifferentTargetsEqualsExplainingOneByOne(CamMethod method)
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet(width: 5);
        var clips = randn(new long[] { 3, 3, 4, 8, 8 });
        var engine = new CamEngine(model, method, TemporalWeighting.TimeResolved);
        using var batch = engine.Explain(clips, Classes(2, 0, 1), "conv2");
        int[] k = [2, 0, 1];
        for (int b = 0; b < 3; b++)
        {
            using var one = engine.Explain(clips[b..(b + 1)], Classes(k[b]), "conv2");
            Assert.True(batch.Maps[b].allclose(one.Maps[0], rtol: 1e-4, atol: 1e-5));
            Assert.True(batch.Weights[b].allclose(one.Weights[0], rtol: 1e-4, atol: 1e-7));
        }
    }

    [Fact]
    public void TargetCountDifferentFromBatchSizeThrows()
    {
        using var scope = NewDisposeScope();
        var engine = new CamEngine(new TinyConv3dNet());
        var clips = randn(new long[] { 3, 3, 4, 8, 8 });
        Assert.Throws<ArgumentException>(() => engine.Explain(clips, Classes(0, 1), "conv2"));
        Assert.Throws<ArgumentException>(() => engine.Explain(clips, Classes(0, 1, 2, 0), "conv2"));
    }

    [Fact]
    public void ExplainingLeavesParameterGradientsUntouched()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet();
        model.train();
        using var r = new CamEngine(model).Explain(randn(new long[] { 1, 3, 4, 8, 8 }), Classes(0), "conv1");
        Assert.All(model.parameters(), p => Assert.True(p.grad is null || p.grad.IsInvalid));
        Assert.False(model.training);
        Assert.False(r.Outputs["logits"].requires_grad);
    }

    [Fact]
    public void ClassTargetByNameFindsTheClass()
    {
        Assert.Equal(new ClassTarget(1), ClassTarget.ByName(["smile", "wave"], "Wave"));
        Assert.Throws<ArgumentException>(() => ClassTarget.ByName(["smile", "wave"], "jump"));
    }
}
