using static TorchSharp.torch;

namespace VideoGradCam.Cam;

// Targets: a differentiable scalar per sample read from the model's named outputs (pytorch-grad-cam's targets).

/// <summary>The logit of class <paramref name="ClassIndex"/> in <c>outputs["logits"]</c> ([B,K]).</summary>
public sealed record ClassTarget(int ClassIndex) : ICamTarget
{
    /// <summary>The target for a class given by name, e.g. <c>ClassTarget.ByName(names, "wave")</c>.</summary>
    public static ClassTarget ByName(IReadOnlyList<string> classNames, string name)
    {
        for (int i = 0; i < classNames.Count; i++)
            if (string.Equals(classNames[i], name, StringComparison.OrdinalIgnoreCase)) return new ClassTarget(i);
        throw new ArgumentException(
            $"Unknown class '{name}': the model's {classNames.Count} classes are " +
            $"{string.Join(", ", classNames.Take(8))}" +
            (classNames.Count > 8 ? ", ..." : "") + " (a name or an index 0.." + (classNames.Count - 1) + ").");
    }

    /// <inheritdoc/>
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample) =>
        TargetOutputs.Logits(outputs, ClassIndex)[sample, ClassIndex];
}

/// <summary>The softmax probability of class <paramref name="ClassIndex"/>.</summary>
public sealed record ClassProbabilityTarget(int ClassIndex) : ICamTarget
{
    /// <inheritdoc/>
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample) =>
        TargetOutputs.Logits(outputs, ClassIndex)[sample].softmax(0)[ClassIndex];
}

/// <summary>Component <paramref name="Component"/> of <c>outputs[Output]</c> flattened per sample to [B,N], times
/// <paramref name="Sign"/> (e.g. a pose's forward translation, or its negative).</summary>
public sealed record RegressionTarget(string Output, int Component, double Sign = 1) : ICamTarget
{
    /// <inheritdoc/>
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample)
    {
        var o = TargetOutputs.Get(outputs, Output);
        var flat = o.reshape(o.shape[0], -1); // [B,...] -> [B,N]
        if (Component < 0 || Component >= flat.shape[1])
            throw new ArgumentException(
                $"Output '{Output}' has {flat.shape[1]} components per sample; component {Component} does not exist.");
        return flat[sample, Component] * Sign;
    }
}

/// <summary>The negative of a per-sample loss, <c>-outputs[Output][sample]</c> (mean over any extra axes): explains
/// what lowers the loss.</summary>
public sealed record NegativeLossTarget(string Output = "loss") : ICamTarget
{
    /// <inheritdoc/>
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample)
    {
        var o = TargetOutputs.Get(outputs, Output);
        if (o.dim() == 0) throw new ArgumentException(
            $"Output '{Output}' is a scalar; the engine needs one loss per sample ([B]).");
        return -o[sample].mean();
    }
}

/// <summary>Any differentiable function of the outputs: <c>score(outputs, sample)</c> must return a 0-d tensor in the
/// graph.</summary>
public sealed class FunctionTarget(Func<IReadOnlyDictionary<string, Tensor>, int, Tensor> score) : ICamTarget
{
    /// <inheritdoc/>
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample) => score(outputs, sample);
}

/// <summary>Reading named outputs with messages that name what exists.</summary>
static class TargetOutputs
{
    public static Tensor Get(IReadOnlyDictionary<string, Tensor> outputs, string name) =>
        outputs.TryGetValue(name, out var t) ? t
            : throw new ArgumentException(
                $"The model has no output '{name}'. Outputs: {string.Join(", ", outputs.Keys)}.");

    public static Tensor Logits(IReadOnlyDictionary<string, Tensor> outputs, int classIndex)
    {
        var logits = Get(outputs, "logits");
        if (classIndex < 0 || classIndex >= logits.shape[^1])
            throw new ArgumentException(
                $"Class index {classIndex} is out of range: the model has {logits.shape[^1]} classes.");
        return logits;
    }
}
