using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Runtime;

/// <summary>Finds NaN and infinite numbers: in a scalar, in a model's gradients, in a set of named tensors.
/// Each tensor check costs one host synchronisation in all, however many tensors it looks at.</summary>
public static class FiniteCheck
{
    /// <summary>"NaN" or "infinite" for a non-finite number; null for a finite one.</summary>
    public static string? Kind(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? "infinite" : null;

    /// <summary>"NaN" or "infinite" when some gradient of <paramref name="parameters"/> holds such a value (NaN when
    /// both occur); null when every gradient is finite or there are none.</summary>
    public static string? Gradients(IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return null;
        if (stack(grads.Select(g => g.isfinite().all()).ToList()).all().item<bool>()) return null;
        return stack(grads.Select(g => g.isnan().any()).ToList()).any().item<bool>() ? "NaN" : "infinite";
    }

    /// <summary>The first key (in the given order) whose floating-point tensor holds a NaN or an infinity; null when
    /// all are finite (integer and boolean tensors always are).</summary>
    public static string? FirstNonFinite(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var scope = NewDisposeScope();
        var floating = tensors.Where(kv => kv.Value.is_floating_point()).ToList();
        if (floating.Count == 0) return null;
        var finite = stack(floating.Select(kv => kv.Value.isfinite().all()).ToList()).cpu().data<bool>().ToArray();
        int first = Array.IndexOf(finite, false);
        return first < 0 ? null : floating[first].Key;
    }
}
