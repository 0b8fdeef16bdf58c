using VideoGradCam.Odometry;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class ViewSynthesisTests
{
    [Fact]
    public void IdentityPoseAndConstantDepthReturnTheImage()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var image = rand(1, 3, 8, 12);
        var (warped, valid) =
            InverseWarp.Warp(image, full(1, 8, 12, 5f), zeros(1, 6), OdometryTestKit.Intrinsics(10, 5.5, 3.5));
        Assert.True(valid.all().item<bool>());
        Assert.True(warped.allclose(image, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void KnownTranslationShiftsAPlaneImageByFocalTimesBaselineOverDepth()
    {
        using var scope = NewDisposeScope();
        // fronto-parallel plane at 10 m, f = 20 px, sideways motion 1 m: f·t/Z = 2 px
        var columns = arange(16, dtype: ScalarType.Float32).view(1, 1, 1, 16);
        var image = (columns * columns * 0.01f).expand(1, 3, 6, 16).contiguous();
        var pose = tensor(new float[] { 1, 0, 0, 0, 0, 0 }, [1, 6]);
        var (warped, valid) =
            InverseWarp.Warp(image, full(1, 6, 16, 10f), pose, OdometryTestKit.Intrinsics(20, 7.5, 2.5));
        Assert.True(warped[.., .., .., ..14].allclose(image[.., .., .., 2..], rtol: 0, atol: 1e-4));
        Assert.False(valid[0, 0, 15].item<bool>());   // projects 2 px past the right edge
        Assert.True(valid[0, 0, 12].item<bool>());
    }

    [Fact]
    public void EulerMatricesAreRotationsAndMatchTheDoublePrecisionPoses()
    {
        using var scope = NewDisposeScope();
        double[] v = [0.3, -0.2, 1.1, 0.1, -0.25, 0.05];
        var m = InverseWarp.PoseVectorToMatrix(tensor(v.Select(x => (float)x).ToArray(), [1, 6]))[0];
        var r = m[.., ..3];
        Assert.True(matmul(r, r.T).allclose(eye(3), atol: 1e-5));
        var d = PoseMath.FromVector(v);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) Assert.Equal(d[i, j], m[i, j].item<float>(), 5);
        Assert.Equal(v, PoseMath.ToVector(d).Select(x => Math.Round(x, 9)).ToArray());
    }

    /// <summary>30 frames of the synthetic drive at 128x40, with their true depth and poses.</summary>
    static SequenceFrames SyntheticDrive() =>
        SequenceFrames.Load(OdometryDatasets.Open(
            OdometryTestKit.TinyDataset(frames: 30, seed: 7, width: 128, height: 40))[0], 128, 40);

    /// <summary>Frame <paramref name="frame"/>'s true depth [1,1,H,W], the sky set 1000 m away.</summary>
    static Tensor TrueDepth(SequenceFrames seq, int frame)
    {
        var d = seq.Depth![frame].unsqueeze(0).unsqueeze(0);
        return d.masked_fill(d <= 0, 1000f);
    }

    /// <summary>A snippet's true poses [1,N,6] in the network's convention: a pose maps target-camera points into the
    /// reference camera, M = inv(C_ref)·C_target (inverted: the other way).</summary>
    static Tensor TruePose(SequenceFrames seq, Snippet snip, bool inverted = false) =>
        tensor(snip.ReferenceIndices.Select(r =>
    {
        var m = PoseMath.Mul(PoseMath.Inverse(seq.Poses![r]), seq.Poses[snip.TargetIndex]);
        return PoseMath.ToVector(inverted ? PoseMath.Inverse(m) : m);
    }).SelectMany(p => p.Select(x => (float)x)).ToArray(), [1, snip.ReferenceIndices.Length, 6]);

    [Fact]
    public void GroundTruthDepthAndPoseReconstructTheSyntheticTargetView()
    {
        using var seq = SyntheticDrive();
        using var scope = NewDisposeScope();
        var snip = seq.Snippet([15], 3);
        var depth = TrueDepth(seq, 15)[0];
        Tensor Pose(bool inverted) => TruePose(seq, snip, inverted);
        float Error(Tensor pose) => ViewSynthesisLoss.ErrorMap(snip.Target, snip.References, snip.Intrinsics,
            depth.unsqueeze(1), pose).mean().item<float>();
        float truth = Error(Pose(false)), inverse = Error(Pose(true)), still = Error(zeros(1, 2, 6));
        Assert.True(truth < 0.7 * still && truth < 0.7 * inverse,
            $"true motion {truth:0.000}, inverse motion {inverse:0.000}, no motion {still:0.000}");
    }

    /// <summary>SC-SfMLearner's geometry consistency (<c>--depth-consistency</c>): with the true depths of the target
    /// and its references and the true poses, the target's depth moved into each reference matches that reference's
    /// depth; a translation 20% too long, a reference depth 20% too far, or no motion, disagree.</summary>
    [Fact]
    public void TrueDepthsAndPosesAreGeometricallyConsistentAndWrongOnesAreNot()
    {
        using var seq = SyntheticDrive();
        using var scope = NewDisposeScope();
        var snip = seq.Snippet([15], 5);
        var references = snip.ReferenceIndices.Select(i => TrueDepth(seq, i)).ToArray();
        var pose = TruePose(seq, snip);
        float Consistency(Tensor p, Tensor[] refs) =>
            ViewSynthesisLoss.DepthConsistencyPerSample(TrueDepth(seq, 15), refs, snip.Intrinsics, p).item<float>();
        Tensor Scaled(float f) { var p = pose.clone(); p[.., .., ..3] *= f; return p; }
        float truth = Consistency(pose, references),
            farther = Consistency(pose, references.Select(r => r * 1.2f).ToArray()),
            still = Consistency(zeros_like(pose), references);
        var lengths = new[] { 0.8f, 0.9f, 1.1f, 1.2f }.Select(f => Consistency(Scaled(f), references)).ToArray();
        var report =
            $"truth {truth:0.0000}, translation 0.8-1.2x " +
            $"{string.Join(" ", lengths.Select(l => l.ToString("0.0000")))}, " +
            $"reference depth 1.2x {farther:0.0000}, no motion {still:0.0000}";
        // the floor at the truth is the sky's edge (the sky stands at 1000 m) and the boxes' edges, where bilinear
        // sampling mixes depths; a translation off by 10-20% changes a 10 m depth by about 1%, so it moves the term
        // only a little
        Assert.True(truth < 0.06f, report);
        Assert.True(lengths.All(l => l > truth), report);
        Assert.True(farther > 2 * truth && still > 2 * truth, report);
    }

    /// <summary>With the consistency weighed in, the objective runs the DepthNet on every frame, adds the term to the
    /// total, and a short training run records it and lowers nothing to NaN.</summary>
    [Fact]
    public void TheObjectiveWithDepthConsistencyAddsItAndTrains()
    {
        manual_seed(4);
        var dir = OdometryTestKit.TinyDataset(frames: 9);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        using var model = new SfmLearner(new SfmSettings(5, 64, 24, DepthWidth: 0.5), initialDepth: 5);
        var weights = new LossWeights(Smoothness: 0.004, DepthConsistency: 0.5);
        using (var scope = NewDisposeScope())
        {
            model.Train(true);
            var snip = seq.Snippet([2, 4], 5);
            var with = SfmTrainer.Objective(model, snip.Target, snip.References, snip.Intrinsics, weights);
            var without = SfmTrainer.Objective(model, snip.Target, snip.References, snip.Intrinsics,
                weights with { DepthConsistency = 0 });
            Assert.Equal(new long[] { 2 }, with.Consistency.shape);
            Assert.True(with.Consistency.min().item<float>() > 0);
            Assert.True((with.Total - without.Total - 0.5 * with.Consistency).abs().max().item<float>() < 1e-5f);
            Assert.Equal(new long[] { 2, 1, 24, 64 }, with.Disparities[0].shape);   // the target's disparities only
        }
        var history = SfmTrainer.Train(model, [seq],
            new SfmTrainingOptions(Epochs: 2, BatchSize: 2, SequenceLength: 5, Weights: weights));
        Assert.All(history.Steps, s => Assert.True(double.IsFinite(s.Total) && s.Consistency > 0));
    }

    /// <summary>--near-references-epochs (a curriculum over motion size): the loss reconstructs the target from t−1 and
    /// t+1 only, with their own pose rows, while the PoseNet still sees the whole snippet; a short run so
    /// trains.</summary>
    [Fact]
    public void TheNearReferenceLossUsesOnlyTheOneFrameReferences()
    {
        Assert.Equal([1, 2], SfmTrainer.NearReferences(5));
        Assert.Equal([0, 1], SfmTrainer.NearReferences(3));
        manual_seed(5);
        var dir = OdometryTestKit.TinyDataset(frames: 9);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        using var model = new SfmLearner(new SfmSettings(5, 64, 24), initialDepth: 5);
        var weights = new LossWeights(Smoothness: 0.004, CommonValidPixels: true);
        using (var scope = NewDisposeScope())
        {
            model.Train(false);
            var snip = seq.Snippet([2, 4], 5);
            var near = SfmTrainer.Objective(model, snip.Target, snip.References, snip.Intrinsics, weights,
                lossReferences: [1, 2]);
            var all = SfmTrainer.Objective(model, snip.Target, snip.References, snip.Intrinsics, weights);
            var expected = ViewSynthesisLoss.PhotometricPerSample(snip.Target, [snip.References[1], snip.References[2]],
                snip.Intrinsics,
                [1 / near.Disparities[0]], [], all.Pose[.., 1..3], true, true);
            Assert.True(near.Photometric.allclose(expected, rtol: 1e-5, atol: 1e-6));
            // the two-frame references add their error
            Assert.True((all.Photometric - near.Photometric).min().item<float>() > 0);
            // the PoseNet's input is the whole snippet
            Assert.True(near.Pose.allclose(all.Pose));
        }
        var history = SfmTrainer.Train(model, [seq],
            new SfmTrainingOptions(Epochs: 2, BatchSize: 2, SequenceLength: 5, Weights: weights,
            NearReferenceEpochs: 1));
        Assert.All(history.Steps, s => Assert.True(double.IsFinite(s.Total)));
    }

    /// <summary>--out-of-view unwarped closes the valid-pixel means' opening: moving one reference out of view leaves
    /// the study's common-pixel mean nothing to average (a loss of 0); counted with the unwarped reference's error,
    /// leaving the view costs exactly what standing still costs.</summary>
    [Fact]
    public void MovingAReferenceOutOfViewCostsWhatStandingStillCosts()
    {
        using var scope = NewDisposeScope();
        // textured images without the global generator (tests running beside this one draw from it too)
        var u = arange(64, dtype: float32).view(1, 1, 1, 64); var v = arange(24, dtype: float32).view(1, 1, 24, 1);
        var c = arange(3, dtype: float32).view(1, 3, 1, 1);
        Tensor Image(float phase) => sin(u * 0.9f + v * 1.7f + c + phase) * cos(u * 0.31f - v * 0.53f + phase);
        var target = Image(0);
        Tensor[] references = [Image(0.8f), Image(1.9f)];
        var k = OdometryTestKit.Intrinsics(30, 31.5, 11.5);
        // 5 m, four scales
        var depths = Enumerable.Range(0, 4).Select(sc => full(1, 1, 24 >> sc, 64 >> sc, 5f)).ToArray();
        var still = zeros(1, 2, 6);
        // reference 2 slides 50 m sideways: out of view everywhere
        var away = still.clone(); away[0, 1, 0] = 50f;
        float Loss(Tensor pose, bool unwarped) =>
            ViewSynthesisLoss.PhotometricPerSample(target, references, k, depths, [], pose,
            overValidPixels: true, commonValidPixels: true, outOfViewAsUnwarped: unwarped).item<float>();
        Assert.Equal(0f, Loss(away, unwarped: false));
        Assert.True(Loss(still, unwarped: false) > 0.5f);
        // (within float rounding: a border pixel's projection may land a hair outside the image; counted unwarped it
        // has the same error, while the valid-pixel mean drops it, so the last comparison is looser)
        static void Near(float expected, float actual, double share) =>
            Assert.InRange(Math.Abs(actual - expected), 0, share * expected);
        Near(Loss(still, unwarped: true), Loss(away, unwarped: true), 1e-4);
        // where every pixel is in view, about the same loss
        Near(Loss(still, unwarped: false), Loss(still, unwarped: true), 1e-2);
    }

    /// <summary>The reason for <c>--smooth-on disparity</c>: a flat ground's disparity is linear in the image row, so
    /// the second-order smoothness leaves it alone, while its depth (∝ 1/(row − horizon)) is penalised, most near the
    /// horizon. The training objective smooths whichever the loss names.</summary>
    [Fact]
    public void AFlatGroundIsSmoothInDisparityNotInDepth()
    {
        using var scope = NewDisposeScope();
        const int h = 24, w = 32;
        var rows = arange(h, dtype: float32).view(1, 1, h, 1).expand(1, 1, h, w);
        // the horizon two rows above the top: depth 100/(row + 2) m
        var disparity = (rows + 2) * 0.01f;
        var depth = 1 / disparity;
        Assert.True(ViewSynthesisLoss.SmoothnessPerSample([disparity]).item<float>() < 1e-6f);
        Assert.True(ViewSynthesisLoss.SmoothnessPerSample([depth]).item<float>() > 0.1f);

        manual_seed(3);
        using var model = new SfmLearner(new SfmSettings(3, w, h));
        var target = rand(2, 3, h, w);
        Tensor[] references = [rand(2, 3, h, w), rand(2, 3, h, w)];
        var k = OdometryTestKit.Intrinsics(20, 15.5, 11.5).expand(2, 3, 3);
        var onDepth = SfmTrainer.Objective(model, target, references, k, new LossWeights(Smoothness: 1));
        var onDisparity =
            SfmTrainer.Objective(model, target, references, k, new LossWeights(Smoothness: 1, SmoothDisparity: true));
        Assert.Equal(ViewSynthesisLoss.SmoothnessPerSample(onDepth.Disparities.Select(d => 1 / d).ToList())
            .data<float>().ToArray(),
            onDepth.Smoothness.data<float>().ToArray());
        Assert.Equal(ViewSynthesisLoss.SmoothnessPerSample(onDisparity.Disparities).data<float>().ToArray(),
            onDisparity.Smoothness.data<float>().ToArray());
    }

    /// <summary>Minimum reprojection: per pixel the reference that reconstructs it best counts, so a pixel one
    /// reference gets right costs nothing however wrong another reference is (an occlusion); and a pose that moves the
    /// references out of view does not zero the loss (a first version, averaged over the pixels valid in every
    /// reference, collapsed to 0 on the full drive): there each reference counts with its unwarped error.</summary>
    [Fact]
    public void MinimumReprojectionCountsTheBestReferencePerPixel()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var target = rand(1, 3, 8, 12);
        Tensor wrong = rand(1, 3, 8, 12), alsoWrong = rand(1, 3, 8, 12);
        var k = OdometryTestKit.Intrinsics(10, 5.5, 3.5);
        Tensor[] depth = [ones(1, 1, 8, 12) * 5];
        Tensor Loss(Tensor[] refs, Tensor pose, bool min) =>
            ViewSynthesisLoss.PhotometricPerSample(target, refs, k, depth, [], pose, overValidPixels: true,
                commonValidPixels: true,
                minimumReprojection: min);
        var still = zeros(1, 2, 6);
        Assert.True(Loss([target, wrong], still, min: false).item<float>() > 0.2f);
        Assert.Equal(0f, Loss([target, wrong], still, min: true).item<float>(), 6);
        // both slid 100 m sideways
        var away = tensor(new float[] { 100, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0 }, [1, 2, 6]);
        var unwarped =
            2 * minimum((target - wrong).abs().mean([1]), (target - alsoWrong).abs().mean([1])).mean().item<float>();
        Assert.Equal(unwarped, Loss([wrong, alsoWrong], away, min: true).item<float>(), 4);
        Assert.True(unwarped > 0.2f);
    }

    [Fact]
    public void PerSampleLossesAverageToTheBatchLoss()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var depths = new[] { rand(3, 1, 8, 12) + 1, rand(3, 1, 4, 6) + 1 };
        var per = ViewSynthesisLoss.SmoothnessPerSample(depths);
        Assert.Equal(new long[] { 3 }, per.shape);
        var photometric = ViewSynthesisLoss.PhotometricPerSample(rand(3, 3, 8, 12), [rand(3, 3, 8, 12)],
            OdometryTestKit.Intrinsics(10, 5.5, 3.5).expand(3, 3, 3), depths, [], zeros(3, 1, 6));
        Assert.Equal(new long[] { 3 }, photometric.shape);
        Assert.True((photometric > 0).all().item<bool>());
    }

    [Fact]
    public void PhotometricLossOverValidPixelsIgnoresPixelsProjectedOutOfView()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var target = rand(1, 3, 6, 16);
        var reference = rand(1, 3, 6, 16);
        var k = OdometryTestKit.Intrinsics(20, 7.5, 2.5);
        var depth = full(1, 1, 6, 16, 10f);
        // 2 px sideways: the last 2 columns leave the view
        var pose = tensor(new float[] { 1, 0, 0, 0, 0, 0 }, [1, 1, 6]);
        var (_, valid) = InverseWarp.Warp(reference, depth[.., 0], pose[.., 0], k);
        double inside = valid.sum().item<long>();
        Assert.Equal(6 * 14, inside);
        double all = ViewSynthesisLoss.PhotometricPerSample(target, [reference], k, [depth], [], pose).item<float>();
        double over = ViewSynthesisLoss.PhotometricPerSample(target, [reference], k, [depth], [], pose,
            overValidPixels: true).item<float>();
        // the port's mean counts the 12 pixels out of view as zero error; the valid mean leaves them out
        Assert.Equal(all * 6 * 16 / inside, over, 5);
        Assert.True(over > all);
    }
    [Fact]
    public void PhotometricLossOverCommonValidPixelsComparesEveryReferenceOnTheSamePixels()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var target = rand(1, 3, 6, 16);
        var still = rand(1, 3, 6, 16);                                     // no motion: every pixel valid
        var moved = rand(1, 3, 6, 16);
        var k = OdometryTestKit.Intrinsics(20, 7.5, 2.5);
        var depth = full(1, 1, 6, 16, 10f);
        var pose = tensor(new float[] { 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0 }, [1, 2, 6]);   // the second: 2 px sideways
        var (_, validMoved) = InverseWarp.Warp(moved, depth[.., 0], pose[.., 1], k);
        var inside = validMoved.unsqueeze(1).to(float32);
        // what each reference should cost on the moved one's valid pixels
        double stillOnCommon =
            ((target - still).abs().mean([1], keepdim: true) * inside).sum().item<float>() / inside.sum().item<float>();
        double movedAlone = ViewSynthesisLoss.PhotometricPerSample(target, [moved], k, [depth], [], pose[.., 1..],
            overValidPixels: true).item<float>();
        double perReference = ViewSynthesisLoss.PhotometricPerSample(target, [still, moved], k, [depth], [], pose,
            overValidPixels: true).item<float>();
        double common = ViewSynthesisLoss.PhotometricPerSample(target, [still, moved], k, [depth], [], pose,
            overValidPixels: true, commonValidPixels: true).item<float>();
        Assert.Equal(stillOnCommon + movedAlone, common, 4);
        // per reference, the still one counts all 96 pixels
        Assert.NotEqual(perReference, common, 4);
    }
    [Fact]
    public void StructuralErrorIsZeroForEqualImagesAndGrowsWithDifference()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var image = rand(1, 3, 8, 12) * 2 - 1;
        Assert.True(ViewSynthesisLoss.StructuralError(image, image).abs().max().item<float>() < 1e-4);
        var near = ViewSynthesisLoss.StructuralError(image, image + 0.05f * randn(1, 3, 8, 12)).mean().item<float>();
        var far = ViewSynthesisLoss.StructuralError(image, rand(1, 3, 8, 12) * 2 - 1).mean().item<float>();
        Assert.InRange(near, 1e-4, far);
        // unrelated images: SSIM near 0, error near 1/2
        Assert.InRange(far, 0.2, 1);
    }
    /// <summary>Two unrelated seeded images [1,3,h,w] in [-1, 1].</summary>
    static (Tensor Target, Tensor Reference) ImagePair(int seed, int h, int w)
    {
        manual_seed(seed);
        return (rand(1, 3, h, w) * 2 - 1, rand(1, 3, h, w) * 2 - 1);
    }

    [Fact]
    public void PhotometricLossMixesStructuralErrorAndL1ByItsShare()
    {
        using var scope = NewDisposeScope();
        var (target, reference) = ImagePair(6, 6, 16);
        var k = OdometryTestKit.Intrinsics(20, 7.5, 2.5);
        var depth = full(1, 1, 6, 16, 10f);
        var pose = zeros(1, 1, 6);                                         // no motion: the reference as it is
        double L(double ssim) => ViewSynthesisLoss.PhotometricPerSample(target, [reference], k, [depth], [], pose,
            overValidPixels: true, ssim: ssim).item<float>();
        double l1 = (target - reference).abs().mean().item<float>();
        double structural = ViewSynthesisLoss.StructuralError(target, reference).mean().item<float>();
        Assert.Equal(l1, L(0), 4);
        Assert.Equal(structural, L(1), 4);
        Assert.Equal(0.15 * l1 + 0.85 * structural, L(0.85), 4);
    }
    [Fact]
    public void UpsampledScalesCompareTheImagesAtTheFramesSize()
    {
        using var scope = NewDisposeScope();
        var (target, reference) = ImagePair(7, 8, 16);
        var k = OdometryTestKit.Intrinsics(20, 7.5, 3.5);
        var pose = tensor(new float[] { 0.2f, 0, 0.1f, 0, 0.02f, 0 }, [1, 1, 6]);
        double L(Tensor[] depths, bool up) => ViewSynthesisLoss.PhotometricPerSample(target, [reference], k, depths, [],
            pose, overValidPixels: true, upsampledScales: up).item<float>();
        var fine = full(1, 1, 8, 16, 6f);
        var coarse = full(1, 1, 4, 8, 6f);                                 // the same constant depth at half the size
        // upsampled, the coarse scale is the fine one again; downsampled (the port), it compares 4x8 images
        Assert.Equal(2 * L([fine], false), L([fine, coarse], true), 4);
        Assert.NotEqual(2 * L([fine], false), L([fine, coarse], false), 3);
    }
}
