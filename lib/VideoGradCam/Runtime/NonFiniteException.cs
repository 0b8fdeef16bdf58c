namespace VideoGradCam.Runtime;

/// <summary>
/// A number that had to be finite was NaN or infinite: a training loss or gradient, a weight of a checkpoint. Its
/// message is one line for the user, naming the run or file and where the number went wrong. Callers tell it apart
/// from other
/// failures by its type (e.g. to clear what the run left behind).
/// </summary>
public sealed class NonFiniteException(string message) : InvalidOperationException(message)
{
    /// <summary>What a user can do when training produces a non-finite number.</summary>
    public const string TrainingAdvice = "Try: ./workspace setup (re-checks this CPU's convolutions), a lower --lr, " +
                                         "or WORKSPACE_CONVOLUTIONS=onednn-off (see environment.md, 'NaN')";

    /// <summary>The training run <paramref name="run"/> (e.g. "train cnn-lstm") met a non-finite
    /// <paramref name="quantity"/> ("loss", "gradient") of kind <paramref name="kind"/> ("NaN", "infinite").
    /// Epoch and step count from 1; no step: the epoch's end (e.g. the validation loss).</summary>
    public static NonFiniteException InTraining(string run, string quantity, string kind, int epoch,
        int? step = null) =>
        new($"{run}: the {quantity} became {kind} at epoch {epoch}{(step is { } s ? $", step {s}" : "")}; " +
            $"nothing was saved. {TrainingAdvice}");

    /// <summary>The weights file <paramref name="file"/> holds a NaN or infinite value, first in tensor
    /// <paramref name="key"/>.</summary>
    public static NonFiniteException InWeights(string file, string key) =>
        new($"{file}: refused: its weights are not all finite ('{key}' holds NaN or infinite values); " +
            "the run that wrote it went wrong: train it again.");
}
