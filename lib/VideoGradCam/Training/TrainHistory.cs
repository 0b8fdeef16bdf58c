namespace VideoGradCam.Training;

/// <summary>One epoch: mean losses and accuracies, the learning rate it ran with, and its wall time.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double ValLoss, double ValAccuracy,
    double LearningRate, double Seconds);

/// <summary>The learning curves of a run (kept in the checkpoint, so a resumed run continues them).</summary>
public sealed record TrainHistory(IReadOnlyList<EpochRecord> Epochs)
{
    public EpochRecord? Best => Epochs.Count == 0 ? null : Epochs.MinBy(e => e.ValLoss);
    public double TotalSeconds => Epochs.Sum(e => e.Seconds);
}
