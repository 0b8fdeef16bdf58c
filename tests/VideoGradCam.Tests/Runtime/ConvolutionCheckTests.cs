using VideoGradCam.Runtime;
using VideoGradCam.Study;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Runtime;

/// <summary>The convolution self-check: it passes the study's convolutions in the mode this machine chose, and fails a
/// kernel that returns NaN or a wrong value, whatever the CPU.</summary>
public class ConvolutionCheckTests
{
    static readonly ConvolutionShape Small =
        new(false, [2, 8, 12, 20], [8, 8, 3, 3], new([1, 1], [1, 1], [1, 1], [0, 0]), 1, true);
    static readonly ConvolutionShape Clip =
        new(false, [2, 3, 4, 12, 12], [8, 3, 3, 3, 3], new([1, 2, 2], [1, 1, 1], [1, 1, 1], [0, 0, 0]), 1,
            false);
    static readonly ConvolutionShape Deconv =
        new(true, [2, 16, 6, 10], [16, 8, 4, 4], new([2, 2], [1, 1], [1, 1], [0, 0]), 1, true);

    /// <summary>Run on poisoned memory in the mode the test host applied (this machine's verdict): on a CPU whose
    /// oneDNN is faulty, <c>WORKSPACE_CONVOLUTIONS=onednn</c> makes this test fail.</summary>
    [Fact]
    public void EveryConvolutionOfTheStudysModelsMatchesFloat64InThisMachinesMode()
    {
        var shapes = StudyConvolutions.Shapes();
        var result = ConvolutionCheck.Run(shapes, repetitions: 2);
        Assert.True(shapes.Count >= 50, $"only {shapes.Count} shapes found in the study's models");
        Assert.True(result.Passed, $"in mode {ConvolutionGuard.Mode.Name()} ({ConvolutionGuard.Source}): " +
            string.Join("; ", result.Failures.Take(5).Select(f => $"{f.Shape} error {f.Error:g3}")));
    }

    /// <summary>The shapes of ../shared/repro/onednn-nan (inputs [4,C,24,40]), in this machine's mode.</summary>
    [Fact]
    public void TheOneDnnReprosShapesMatchFloat64InThisMachinesMode()
    {
        ConvolutionShape Conv(long cin, long cout, long k, long s) =>
            new(false, [4, cin, 24, 40], [cout, cin, k, k], new([s, s], [k / 2, k / 2], [1, 1], [0, 0]), 1, false);
        ConvolutionShape Deconv(long cin, long cout, long k, long s) =>
            new(true, [4, cin, 24, 40], [cin, cout, k, k], new([s, s], [1, 1], [1, 1], [s - 1, s - 1]), 1, false);
        var result = ConvolutionCheck.Run([Conv(8, 8, 3, 1), Conv(15, 32, 7, 2), Conv(32, 1, 3, 1), Conv(16, 6, 1, 1),
            Conv(4, 8, 1, 2), Deconv(16, 8, 4, 2), Deconv(32, 16, 3, 2), Conv(64, 64, 3, 1)], repetitions: 4);
        Assert.True(result.Passed, $"in mode {ConvolutionGuard.Mode.Name()}: " +
            string.Join("; ", result.Failures.Select(f => $"{f.Shape} error {f.Error:g3}")));
    }

    [Fact]
    public void TheCheckFailsAKernelThatReturnsNaN()
    {
        var result = ConvolutionCheck.Run([Small, Clip], repetitions: 1,
            corrupt: t => t.dim() == 4 ? t.index_put_(float.NaN, TensorIndex.Single(0)) : t);
        Assert.False(result.Shapes[0].Passed);
        Assert.True(double.IsNaN(result.Shapes[0].Error));
        Assert.True(result.Shapes[1].Passed);   // the 3D one was left alone
    }

    [Fact]
    public void TheCheckFailsAKernelThatIsSlightlyWrongAndPassesOneThatIsRight()
    {
        Assert.False(ConvolutionCheck.Run([Deconv], repetitions: 1, corrupt: t => t * 1.01).Passed);
        var right = ConvolutionCheck.Run([Small, Clip, Deconv], repetitions: 1);
        Assert.True(right.Passed, string.Join("; ", right.Failures.Select(f => $"{f.Shape} {f.Error:g3}")));
        Assert.All(right.Shapes, s => Assert.InRange(s.Error, 0, ConvolutionCheck.Tolerance));
    }

    [Fact]
    public void ShapesAreReadFromTheModelsWithTheirGeometry()
    {
        var shapes = StudyConvolutions.Shapes();
        // R3D's stem
        Assert.Contains(shapes, s => s.Input.Length == 5 && s.Weight[2..].SequenceEqual(new long[] { 3, 7, 7 }));
        // DispNetS
        Assert.Contains(shapes, s => s.Transposed);
        // a disparity head
        Assert.Contains(shapes, s => s.ToString().StartsWith("conv2d 32->1 k3x3", StringComparison.Ordinal));
        Assert.Equal(shapes.Count, shapes.Select(s => s.Key).Distinct().Count());
    }
}
