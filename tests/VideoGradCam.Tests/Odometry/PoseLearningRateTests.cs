using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

/// <summary>--pose-lr: the PoseNet's Adam rate is its own; the DepthNet's is --lr.</summary>
public class PoseLearningRateTests
{
    [Fact]
    public void ThePoseNetStepsAtItsOwnRateAndTheDepthNetAtTheCommonOne()
    {
        var dir = OdometryTestKit.TinyDataset(frames: 7);
        using var seq = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        var o = new SfmTrainingOptions(Epochs: 1, BatchSize: 8, SequenceLength: 3, LearningRate: 1e-4,
            PoseLearningRate: 1e-3);
        using var model = SfmTrainer.NewModel(new SfmSettings(3, 64, 24), o);
        static float[] Weights(TorchSharp.torch.nn.Module net) =>
            net.parameters().SelectMany(p => p.detach().cpu().flatten().data<float>().ToArray()).ToArray();
        var (depth0, pose0) = (Weights(model.DepthNet), Weights(model.PoseNet));
        var history = SfmTrainer.Train(model, [seq], o);
        Assert.Single(history.Steps);
        // Adam's first step moves each weight by its rate times sign(gradient): the largest change is the rate
        static double LargestChange(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Assert.Equal(1e-3, LargestChange(pose0, Weights(model.PoseNet)), 1e-5);
        Assert.Equal(1e-4, LargestChange(depth0, Weights(model.DepthNet)), 1e-6);
    }
}
