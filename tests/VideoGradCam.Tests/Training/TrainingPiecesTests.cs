using TorchSharp;
using VideoGradCam.Training;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Training;

public class TrainingPiecesTests
{
    [Fact]
    public void PlateauHalvesTheRateAfterPatienceEpochsWithoutImprovement()
    {
        var s = new ReduceLrOnPlateau(factor: 0.5, patience: 2);
        double lr = 1e-3;
        lr = s.Step(1.0, lr); Assert.Equal(1e-3, lr);   // best
        lr = s.Step(1.0, lr); Assert.Equal(1e-3, lr);   // bad 1
        lr = s.Step(1.1, lr); Assert.Equal(1e-3, lr);   // bad 2
        lr = s.Step(1.0, lr); Assert.Equal(5e-4, lr);   // bad 3 > patience: halve
        lr = s.Step(0.5, lr); Assert.Equal(5e-4, lr);   // improvement
    }

    /// <summary>Predicts class 1 when the clip's mean is positive, else class 0.</summary>
    sealed class SignModel() : nn.Module<Tensor, Tensor>("Sign")
    {
        public override Tensor forward(Tensor clips)
        {
            var m = clips.mean([1, 2, 3, 4]);                 // [B]
            return stack([-m, m], 1) * 10;                   // [B,2]
        }
    }

    [Fact]
    public void ConfusionMatrixCountsTrueClassesByRowAndSurvivesJson()
    {
        // clips with means +1,+1,-1,-1,+1 and labels 1,0,0,0,1: row 0 = [2 right, 1 wrong], row 1 = [0, 2 right]
        float[] means = [1, 1, -1, -1, 1];
        long[] labels = [1, 0, 0, 0, 1];
        IEnumerable<VideoBatch> Batches()
        {
            for (int i = 0; i < means.Length; i += 2)
            {
                int b = Math.Min(2, means.Length - i);
                var clips = cat(Enumerable.Range(i, b).Select(j => full([1, 3, 2, 4, 4], means[j])).ToArray(), 0);
                yield return new VideoBatch(clips, tensor(labels[i..(i + b)]));
            }
        }
        using var model = new SignModel();
        var report = Evaluator.Evaluate(model, Batches(), ["a", "b"]);
        Assert.Equal(5, report.Count);
        Assert.Equal(0.8, report.Accuracy, 9);
        Assert.Equal([2, 1], report.Confusion[0]);
        Assert.Equal([0, 2], report.Confusion[1]);
        Assert.Equal(2.0 / 3, report.PerClassAccuracy[0], 9);
        Assert.Equal(1.0, report.PerClassAccuracy[1], 9);
        var back = EvaluationReport.FromJson(report.ToJson());
        Assert.Equal(report.Confusion, back.Confusion);
        Assert.Equal(report.ClassNames, back.ClassNames);
        Assert.Equal(0.8, back.AccuracyOver([0, 1]), 9);
    }
}
