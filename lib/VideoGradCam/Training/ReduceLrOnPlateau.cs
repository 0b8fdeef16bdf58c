namespace VideoGradCam.Training;

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c> in mode "min" with a relative threshold of 1e-4 and no cooldown: after more than
/// <c>patience</c> epochs without a better loss, multiply the learning rate by <c>factor</c> (not below <c>minLr</c>).
/// Its state is two numbers, saved in checkpoints.
/// </summary>
public sealed class ReduceLrOnPlateau(double factor = 0.5, int patience = 5, double minLr = 0, double threshold = 1e-4)
{
    public double Best { get; set; } = double.PositiveInfinity;
    public int BadEpochs { get; set; }

    /// <summary>Records an epoch's validation loss and returns the learning rate for the next epoch.</summary>
    public double Step(double loss, double lr)
    {
        if (loss < Best * (1 - threshold)) { Best = loss; BadEpochs = 0; }
        else BadEpochs++;
        if (BadEpochs <= patience) return lr;
        BadEpochs = 0;
        return Math.Max(lr * factor, minLr);
    }
}
