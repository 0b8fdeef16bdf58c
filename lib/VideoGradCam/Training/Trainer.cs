using System.Diagnostics;
using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Training;

/// <summary>
/// Trains a video classifier: Adam, cross-entropy, ReduceLROnPlateau on the validation loss, the weights with the
/// best validation loss kept (and restored into the model at the end), progress per epoch with loss and accuracy,
/// a checkpoint after every epoch (see <see cref="Checkpoint"/>), resume from it, seeded epochs.
/// The batch factories are called once per epoch; the trainer disposes every batch it receives.
/// A NaN or infinite loss or gradient stops training at once with a <see cref="NonFiniteException"/>, before the
/// optimiser steps, and the checkpoint folder's checkpoint is removed: a run that met one leaves no weights behind.
/// </summary>
public static class Trainer
{
    /// <param name="model">the classifier (on its device; batches are moved there).</param>
    /// <param name="train">a fresh pass over the training batches (shuffled as the factory sees fit).</param>
    /// <param name="validation">a fresh pass over the validation batches.</param>
    /// <param name="checkpointFolder">where to write the checkpoint after each epoch (null: none).</param>
    /// <param name="classNames">index -> name, saved in the checkpoint.</param>
    /// <param name="data">frames, size and normalisation of the clips, saved in the checkpoint.</param>
    /// <param name="resume">continue from <paramref name="checkpointFolder"/> when it holds a checkpoint.</param>
    /// <param name="onEpoch">called after each epoch (e.g. to redraw a learning curve).</param>
    public static TrainHistory Fit(
        VideoClassifier model,
        Func<IEnumerable<VideoBatch>> train,
        Func<IEnumerable<VideoBatch>> validation,
        TrainOptions options,
        string? checkpointFolder,
        IReadOnlyList<string> classNames,
        DataSpec data,
        bool resume = false,
        Action<EpochRecord>? onEpoch = null)
    {
        if (classNames.Count != model.NumClasses)
            throw new ArgumentException($"{classNames.Count} class names for a model with {model.NumClasses} classes.");
        using var optimizer =
            optim.Adam(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        var plateau = new ReduceLrOnPlateau(options.PlateauFactor, options.PlateauPatience, options.MinLearningRate);
        var history = new List<EpochRecord>();
        double lr = options.LearningRate, bestLoss = double.PositiveInfinity;
        int start = 0, bestEpoch = 0;

        if (resume && checkpointFolder is not null && Checkpoint.Exists(checkpointFolder))
        {
            var info = Checkpoint.ReadInfo(checkpointFolder);
            if (info.Model != model.Config)
                throw new InvalidDataException(
                    $"{checkpointFolder}: cannot resume: it holds {info.Model}, the model is {model.Config}.");
            Checkpoint.LoadWeights(model, checkpointFolder, last: true);
            var optimizerPath = Path.Combine(checkpointFolder, Checkpoint.OptimizerFile);
            if (File.Exists(optimizerPath)) optimizer.load_state_dict(optimizerPath);
            (start, lr, bestLoss, bestEpoch) = (info.Epoch, info.LearningRate, info.BestValLoss, info.BestEpoch);
            (plateau.Best, plateau.BadEpochs) = (info.PlateauBest, info.PlateauBadEpochs);
            history.AddRange(info.History.Epochs);
        }

        Dictionary<string, Tensor>? bestState = null;
        using var progress = new Progress($"train {model.Architecture}", options.Epochs);
        if (start > 0) progress.Advance($"resumed after epoch {start}", start);
        try
        {
            for (int epoch = start + 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                Seeds.Set(options.Seed + epoch);
                SetLearningRate(optimizer, lr);
                var (trainLoss, trainAccuracy) = TrainEpoch(model, optimizer, train(), progress, epoch);
                var val = Evaluator.Evaluate(model, validation(), classNames);
                if (FiniteCheck.Kind(val.Loss) is { } validationKind)
                    throw NonFiniteException.InTraining($"train {model.Architecture}", "validation loss",
                        validationKind, epoch);
                var record = new EpochRecord(epoch, trainLoss, trainAccuracy, val.Loss, val.Accuracy, lr,
                    clock.Elapsed.TotalSeconds);
                history.Add(record);
                bool improved = val.Loss < bestLoss;
                if (improved)
                {
                    (bestLoss, bestEpoch) = (val.Loss, epoch);
                    DisposeAll(bestState);
                    bestState = Snapshot(model);
                }
                lr = plateau.Step(val.Loss, lr);
                if (checkpointFolder is not null)
                {
                    if (improved) Checkpoint.SaveWeights(checkpointFolder, model, Checkpoint.BestWeights);
                    Checkpoint.SaveWeights(checkpointFolder, model, Checkpoint.LastWeights);
                    Checkpoint.SaveOptimizer(checkpointFolder, optimizer);
                    Checkpoint.SaveInfo(checkpointFolder,
                        new CheckpointInfo(model.Config, classNames.ToList(), data, epoch, bestEpoch,
                        bestLoss, lr, plateau.Best, plateau.BadEpochs, options, new TrainHistory(history.ToList())));
                }
                progress.Advance($"epoch {epoch}: train loss {trainLoss:0.###} acc {trainAccuracy:P0} | " +
                                 $"val loss {val.Loss:0.###} acc {val.Accuracy:P0} | lr " +
                                 $"{record.LearningRate:0.##e0}{(improved ? " *" : "")}");
                onEpoch?.Invoke(record);
            }
            // The model leaves with the weights of its best validation loss.
            if (bestState is not null) model.load_state_dict(bestState);
            else if (checkpointFolder is not null && start > 0) Checkpoint.LoadWeights(model, checkpointFolder);
        }
        catch (NonFiniteException)
        {
            if (checkpointFolder is not null) Checkpoint.Remove(checkpointFolder);
            throw;
        }
        finally
        {
            DisposeAll(bestState);
        }
        return new TrainHistory(history);
    }

    /// <summary>One pass over the training batches; returns mean loss and accuracy. Throws
    /// <see cref="NonFiniteException"/> at the first non-finite loss or gradient (the weights are not stepped).
    /// </summary>
    static (double Loss, double Accuracy) TrainEpoch(VideoClassifier model, optim.Optimizer optimizer,
        IEnumerable<VideoBatch> batches, Progress progress, int epoch)
    {
        model.train();
        var device = DeviceOf(model);
        double lossSum = 0;
        long right = 0, count = 0;
        int step = 0;
        var sinceStatus = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            using (batch)
            using (NewDisposeScope())
            {
                var labels = batch.Labels.to(device);
                optimizer.zero_grad();
                var logits = model.call(batch.Clips.to(device));                     // [B,K]
                var loss = nn.functional.cross_entropy(logits, labels);
                float lossValue = loss.item<float>();
                step++;
                if (FiniteCheck.Kind(lossValue) is { } lossKind)
                    throw NonFiniteException.InTraining($"train {model.Architecture}", "loss", lossKind, epoch, step);
                loss.backward();
                if (FiniteCheck.Gradients(model.parameters()) is { } gradientKind)
                    throw NonFiniteException.InTraining($"train {model.Architecture}", "gradient", gradientKind,
                        epoch, step);
                using (NativeCallGuard.Begin()) optimizer.step();   // Adam makes transient Scalars: no GC under them
                long b = labels.shape[0];
                lossSum += lossValue * b;
                right += logits.argmax(1).eq(labels).sum().item<long>();
                count += b;
                if (sinceStatus.Elapsed.TotalSeconds >= 2)   // at most one status every 2 s (notebook outputs stay few)
                {
                    progress.Status(
                        $"epoch {epoch} batch {step}: loss {lossSum / count:0.###} acc {(double)right / count:P0}");
                    sinceStatus.Restart();
                }
            }
        }
        if (count == 0) throw new ArgumentException("The training set gave no batches.");
        return (lossSum / count, (double)right / count);
    }

    internal static Device DeviceOf(nn.Module model) =>
        model.parameters().FirstOrDefault()?.device ?? CPU;

    static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
    }

    static Dictionary<string, Tensor> Snapshot(nn.Module model)
    {
        using var _ = no_grad();
        // under no_grad: a plain copy
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
    }

    static void DisposeAll(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
    }
}
