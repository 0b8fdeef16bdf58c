using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>
/// Any TorchSharp model as a CAM model: the target layer is found by its path in <c>named_modules()</c>
/// (e.g. <c>"layer4"</c>, <c>"layer4.1.conv2"</c>, <c>"backbone.layer2"</c>) and its output is captured by a forward
/// hook for the length of one forward pass (the hook is removed in a <c>finally</c>, so none is left behind).
/// <para>The model runs through <c>call</c> (hooks never fire through <c>forward</c>). The captured activation is an
/// alias taken out of the model's own dispose scopes (TorchVision.NET disposes its intermediates) and handed to the
/// caller's scope, so the engine's scope disposes it.</para>
/// <para>Layout: <see cref="ActivationLayout.Volume"/> for a 5-D activation, <see cref="ActivationLayout.Image"/> for a
/// 4-D activation with one row per sample, <see cref="ActivationLayout.Framewise"/> for a 4-D activation with B·T rows
/// from a 5-D clip (a 2D CNN applied to every frame, as in a CNN→RNN model), unless declared.</para>
/// </summary>
public sealed class ModuleCamModel : ICamModel
{
    readonly IReadOnlyDictionary<string, nn.Module> _layers;
    readonly Func<Tensor, IReadOnlyDictionary<string, Tensor>> _run;
    readonly IReadOnlyList<nn.Module> _roots;

    /// <summary>A model with one tensor in, one tensor out: its output is <c>outputs[<paramref name="outputName"/>]</c>
    /// ("logits" by default, what <see cref="ClassTarget"/> reads; name it e.g. "pose" for
    /// <see cref="RegressionTarget"/>).</summary>
    /// <param name="layout">the activation layout; null: inferred from the activation's and the input's shapes.</param>
    /// <param name="timeAxis">the time axis of a 5-D input: 2 for <c>[B,C,T,H,W]</c> (torchvision's video layout), 1
    /// for <c>[B,T,C,H,W]</c>.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026",
        Justification = "The two constructors differ in their first parameter's type: no call is ambiguous.")]
    public ModuleCamModel(nn.Module<Tensor, Tensor> model, string outputName = "logits",
        ActivationLayout? layout = null, int timeAxis = 2)
        : this([("", model)], x => new Dictionary<string, Tensor> { [outputName] = model.call(x) }, layout,
            timeAxis) { }

    /// <summary>Any model: <paramref name="run"/> computes the named outputs from the input (several outputs, a loss,
    /// several networks); the layers are the <c>named_modules()</c> of <paramref name="modules"/>, each prefixed by its
    /// name and a dot (an empty name adds no prefix), e.g. <c>[("pose", poseNet), ("depth", depthNet)]</c> gives
    /// <c>"pose.conv7"</c> and <c>"depth.iconv1"</c>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026",
        Justification = "The two constructors differ in their first parameter's type: no call is ambiguous.")]
    public ModuleCamModel(IReadOnlyList<(string Name, nn.Module Module)> modules,
        Func<Tensor, IReadOnlyDictionary<string, Tensor>> run,
        ActivationLayout? layout = null, int timeAxis = 2)
    {
        _run = run;
        _roots = modules.Select(m => ModulePreparation.Prepare(m.Module)).ToList();
        Layout = layout;
        TimeAxis = timeAxis is 1 or 2 ? timeAxis : throw new ArgumentOutOfRangeException(nameof(timeAxis),
            "The time axis of a 5-D input is 1 ([B,T,C,H,W]) or 2 ([B,C,T,H,W]).");
        var layers = new Dictionary<string, nn.Module>();
        foreach (var (name, module) in modules)
        {
            if (name.Length > 0) layers[name] = module;
            foreach (var (path, sub) in module.named_modules())
                if (path.Length > 0) layers[name.Length > 0 ? $"{name}.{path}" : path] = sub;
        }
        _layers = layers;
    }

    /// <summary>The declared layout, or null when it is inferred per call.</summary>
    public ActivationLayout? Layout { get; }

    /// <summary>The time axis of a 5-D input (1 or 2).</summary>
    public int TimeAxis { get; }

    /// <summary>Every layer name this model answers to, in <c>named_modules()</c> order.</summary>
    public IReadOnlyList<string> LayerNames => _layers.Keys.ToList();

    /// <summary>The module at <paramref name="layer"/>; an unknown name is refused with the nearest valid
    /// names.</summary>
    public nn.Module Layer(string layer) =>
        _layers.TryGetValue(layer, out var m) ? m
            : throw new ArgumentException(
                $"The model has no layer '{layer}'. Nearest: {string.Join(", ", LayerNames.Nearest(layer))}.");

    /// <summary>One forward pass with a hook on <paramref name="layer"/>: the outputs and that layer's activation (in
    /// the graph).</summary>
    public CamForward Forward(Tensor input, string layer)
    {
        if (Layer(layer) is not nn.Module<Tensor, Tensor> target)
            throw new ArgumentException(
                $"Layer '{layer}' ({Layer(layer).GetType().Name}) does not map one tensor to one tensor; pick one of " +
                "its sub-layers: " +
                                        string.Join(", ", LayerNames.Where(
                                            n => n.StartsWith(layer + ".", StringComparison.Ordinal)).Take(8)) + ".");
        // explanations are of the model in evaluation mode (batch norm's running statistics)
        foreach (var m in _roots) m.eval();
        Tensor? captured = null;
        int calls = 0;
        var hook = target.register_forward_hook((_, _, output) =>
        {
            calls++;
            captured?.Dispose();
            captured = output.alias().DetachFromDisposeScope(); // survives the model's own dispose scopes
            return null!;                                        // null: the output is left as it is
        });
        IReadOnlyDictionary<string, Tensor> outputs;
        try
        {
            outputs = _run(input);
        }
        catch
        {
            captured?.Dispose();
            throw;
        }
        finally
        {
            hook.remove();
        }
        if (captured is null)
            throw new InvalidOperationException(
                $"Layer '{layer}' did not run in the forward pass. Hooks fire only when a module runs through " +
                "module.call(x), never module.forward(x): does the model call that " +
                "layer's forward directly?");
        var activation = captured.alias(); // owned by the caller's dispose scope, like every other tensor of the pass
        captured.Dispose();
        if (calls > 1)
            throw new InvalidOperationException(
                $"Layer '{layer}' ran {calls} times in one forward pass; a map needs one activation: pick a layer " +
                "that runs once.");
        var (layout, frames, size) = InferLayout(input, activation, Layout, TimeAxis);
        return new CamForward(outputs, activation, layout, frames, size);
    }

    /// <summary>The layout of <paramref name="activation"/> for <paramref name="input"/> (declared, or inferred from
    /// the ranks and the batch), the frame count and the size the maps are upsampled to. Framewise: T = rows /
    /// B.</summary>
    internal static (ActivationLayout Layout, int Frames, (int T, int H, int W) InputSize) InferLayout(
        Tensor input, Tensor activation, ActivationLayout? declared = null, int timeAxis = 2)
    {
        long b = input.shape[0], rows = activation.shape[0];
        int h = (int)input.shape[^2], w = (int)input.shape[^1];
        int inputT = input.dim() == 5 ? (int)input.shape[timeAxis] : 1;
        var layout = declared ?? (activation.dim(), input.dim()) switch
        {
            (5, 5) => ActivationLayout.Volume,
            // 5-D input whose time axis is gone: one map per clip
            (4, 4) or (4, 5) when rows == b => ActivationLayout.Image,
            // [B*T,C,h,w] from [B,C,T,H,W] or [B,T,C,H,W]
            (4, 5) when rows % b == 0 => ActivationLayout.Framewise,
            _ => throw new ArgumentException(
                $"Cannot tell the layout of an activation [{string.Join(",", activation.shape)}] for an input " +
                $"[{string.Join(",", input.shape)}]: Grad-CAM needs [B,C,h,w] (image), " +
                "[B*T,C,h,w] (per frame) or " +
                "[B,C,t,h,w] (volume) activations; pick a convolutional layer, or " +
                "declare the layout."),
        };
        return layout switch
        {
            ActivationLayout.Volume => (layout, inputT, (inputT, h, w)),
            ActivationLayout.Framewise => (layout, (int)(rows / b), ((int)(rows / b), h, w)),
            _ => (layout, 1, (1, h, w)),
        };
    }
}

/// <summary>Nearest names for a mistyped one: the names it is a prefix of, then the smallest edit distances.</summary>
internal static class NearestNames
{
    /// <summary>Up to <paramref name="count"/> names of <paramref name="names"/> nearest to
    /// <paramref name="wanted"/>.</summary>
    public static IReadOnlyList<string> Nearest(this IReadOnlyList<string> names, string wanted, int count = 5) =>
        names.OrderBy(n => n.StartsWith(wanted, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
             .ThenBy(n => EditDistance(n.ToLowerInvariant(), wanted.ToLowerInvariant()))
             .ThenBy(n => n.Length)
             .Take(count).ToList();

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, each costing 1.</summary>
    public static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
