using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Training;
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

    /// <summary>With the true depth, each reference's loss (t-2, t-1, t+1, t+2) is lowest at its true translation, not
    /// at a longer or shorter one: the warp, the pose convention and the snippet order agree.</summary>
    [Fact]
    public void EachReferencesLossIsLowestAtItsTrueMotion()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 40, seed: 11, width: 128, height: 40);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 128, 40);
        double[] scales = [0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2];
        var wrong = new List<string>();
        foreach (int target in new[] { 10, 20, 30 })
        {
            using var scope = NewDisposeScope();
            var snip = seq.Snippet([target], 5);
            var depth = TrueDepth(seq, target);
            var truth = seq.ReferencePoses(target, 5);
            for (int r = 0; r < 4; r++)
            {
                var losses = scales.Select(s =>
                {
                    var pose = tensor(truth[r].Select((v, i) => (float)(i < 3 ? v * s : v)).ToArray(), [1, 1, 6]);
                    return ViewSynthesisLoss.PhotometricPerSample(snip.Target, [snip.References[r]], snip.Intrinsics,
                        [depth], [], pose, overValidPixels: true).item<float>();
                }).ToArray();
                int best = Array.IndexOf(losses, losses.Min());
                if (scales[best] != 1.0)
                    wrong.Add(
                        $"target {target}, reference t{snip.ReferenceIndices[r] - target:+0;-0}: lowest at " +
                        $"{scales[best]:0.00} of the true translation " +
                        $"({string.Join(" ", losses.Select((l, i) => $"{scales[i]:0.00}:{l:0.0000}"))})");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
