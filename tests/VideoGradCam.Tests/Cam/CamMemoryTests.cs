using TorchSharp;
using VideoGradCam.Cam;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

public class CamMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void RepeatedExplanationsLeaveNoLiveTensorsBehind()
    {
        var volume = new TinyConv3dNet();
        var framewise = new TinyCnnLstm();
        using var clips = randn(new long[] { 2, 3, 4, 8, 8 });
        ICamTarget[] targets = [new ClassTarget(0), new ClassProbabilityTarget(1)];
        var engines = new[] { new CamEngine(volume, CamMethod.GradCamPlusPlus, TemporalWeighting.TimeResolved),
            new CamEngine(framewise, CamMethod.LayerCam) };
        string[] layers = ["conv2", "features"];
        for (int e = 0; e < 2; e++) { using var warm = engines[e].Explain(clips, targets, layers[e]); }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 20; i++)
        {
            using var r = engines[i % 2].Explain(clips, targets, layers[i % 2]);
        }
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        output.WriteLine($"live tensors before {before}, after {after}");
        Assert.Equal(before, after);
    }
}
