using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Training;

/// <summary>Runs a classifier over batches (eval mode, no gradients) and scores it. Disposes each batch.</summary>
public static class Evaluator
{
    public static EvaluationReport Evaluate(nn.Module<Tensor, Tensor> model, IEnumerable<VideoBatch> batches,
        IReadOnlyList<string> classNames)
    {
        int k = classNames.Count;
        var confusion = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        double lossSum = 0;
        int count = 0;
        model.eval();
        using (no_grad())
        {
            foreach (var batch in batches)
            {
                using (batch)
                using (NewDisposeScope())
                {
                    var device = Trainer.DeviceOf(model);
                    var labels = batch.Labels.to(device);
                    var logits = model.call(batch.Clips.to(device));                     // [B,K]
                    if (logits.shape[1] != k)
                        throw new ArgumentException(
                            $"The model has {logits.shape[1]} outputs but {k} class names were given.");
                    lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                    var predicted = logits.argmax(1).cpu().data<long>().ToArray();
                    var truth = labels.cpu().data<long>().ToArray();
                    for (int i = 0; i < truth.Length; i++)
                    {
                        if (truth[i] < 0 || truth[i] >= k) throw new ArgumentException(
                            $"Label {truth[i]} is outside 0..{k - 1}.");
                        confusion[truth[i]][predicted[i]]++;
                    }
                    count += truth.Length;
                }
            }
        }
        if (count == 0) throw new ArgumentException("No clips to evaluate.");
        var perClass = confusion.Select((row, c) => row.Sum() == 0 ? double.NaN : (double)row[c] / row.Sum()).ToList();
        double accuracy = (double)Enumerable.Range(0, k).Sum(c => confusion[c][c]) / count;
        return new EvaluationReport(count, accuracy, lossSum / count, classNames.ToList(), perClass, confusion);
    }

    /// <summary>Evaluates a checkpoint's best model.</summary>
    public static EvaluationReport Evaluate(LoadedCheckpoint checkpoint, IEnumerable<VideoBatch> batches) =>
        Evaluate(checkpoint.Model, batches, checkpoint.Info.ClassNames);
}
