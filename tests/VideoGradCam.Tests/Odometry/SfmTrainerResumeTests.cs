using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using Xunit;

namespace VideoGradCam.Tests.Odometry;

public class SfmTrainerResumeTests
{
    sealed class Interrupted : Exception;

    static (SfmTrainingHistory History, float[] Weights) Run(string data, string checkpoint, SfmTrainingOptions o,
        Action<SfmStep>? onStep = null, bool resume = false)
    {
        var sequences = LoadAll(data);
        try
        {
            using var model = new SfmLearner(new SfmSettings(3, 64, 24));
            if (!resume) Copy(Initial, model);
            var history = SfmTrainer.Train(model, sequences, o, checkpoint, onStep, resume);
            return (history, model.PoseNet.parameters().Last().detach().cpu().data<float>().ToArray());
        }
        finally { foreach (var s in sequences) s.Dispose(); }
    }

    static List<SequenceFrames> LoadAll(string data) =>
        OdometryDatasets.Open(data).Select(s => SequenceFrames.Load(s, 64, 24)).ToList();

    static readonly SfmLearner Initial = new(new SfmSettings(3, 64, 24));

    static void Copy(SfmLearner from, SfmLearner into)
    {
        using var _ = TorchSharp.torch.no_grad();
        foreach (var (k, t) in into.DepthNet.state_dict()) t.copy_(from.DepthNet.state_dict()[k]);
        foreach (var (k, t) in into.PoseNet.state_dict()) t.copy_(from.PoseNet.state_dict()[k]);
    }

    [Fact]
    public void AnInterruptedRunResumesAfterItsLastEpochAndEndsWhereAnUninterruptedRunEnds()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 1, frames: 7);
        var dir = OdometryTestKit.TempDir();
        // 5 targets: 3 steps per epoch
        var o = new SfmTrainingOptions(Epochs: 3, BatchSize: 2, LearningRate: 1e-3, SequenceLength: 3);

        var whole = Run(data, Path.Combine(dir, "whole.sfm"), o);
        Assert.Equal(9, whole.History.Steps.Count);
        // resume files removed at the end
        Assert.False(File.Exists(SfmTrainer.ProgressFile(Path.Combine(dir, "whole.sfm"))));

        var cut = Path.Combine(dir, "cut.sfm");
        Assert.Throws<Interrupted>(() => Run(data, cut, o, s => { if (s.Epoch == 2) throw new Interrupted(); }));
        Assert.True(File.Exists(SfmTrainer.ProgressFile(cut)));
        Assert.True(File.Exists(SfmTrainer.OptimizerFile(cut)));

        var stepsRun = new List<SfmStep>();
        var resumed = Run(data, cut, o, stepsRun.Add, resume: true);
        Assert.Equal([2, 2, 2], stepsRun.Select(s => s.Epoch));                  // only the third epoch ran again
        Assert.Equal(9, resumed.History.Steps.Count);                            // the history holds all three epochs
        for (int i = 0; i < 9; i++) Assert.Equal(whole.History.Steps[i].Total, resumed.History.Steps[i].Total, 3);
        Assert.Equal(whole.Weights.Length, resumed.Weights.Length);
        for (int i = 0; i < whole.Weights.Length; i++) Assert.Equal(whole.Weights[i], resumed.Weights[i], 4);
        Assert.False(File.Exists(SfmTrainer.ProgressFile(cut)));
    }

    [Fact]
    public void ResumeWithoutAnUnfinishedRunTrainsFromTheStart()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 1, frames: 6);
        var dir = OdometryTestKit.TempDir();
        var o = new SfmTrainingOptions(Epochs: 1, BatchSize: 4, SequenceLength: 3);
        var run = Run(data, Path.Combine(dir, "fresh.sfm"), o, resume: true);
        Assert.Single(run.History.Steps);
        Assert.True(File.Exists(Path.Combine(dir, "fresh.sfm")));
    }
}
