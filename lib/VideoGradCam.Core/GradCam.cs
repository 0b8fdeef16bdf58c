using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>
/// Grad-CAM on any TorchSharp model in one line: <c>GradCam.For(model, "layer4").Explain(input, new
/// ClassTarget(3))</c>. A model and a layer name (its path in <c>named_modules()</c>) over <see cref="ModuleCamModel"/>
/// and <see cref="CamEngine"/>: the five methods differ only in channel weighting (<see cref="CamMethod"/>), video
/// activations are weighted globally or per time step (<see cref="TemporalWeighting"/>), and a target is any
/// <see cref="ICamTarget"/> (class, probability, regression output, negative loss, any function of the outputs).
/// <para>Inputs: images <c>[B,C,H,W]</c>, clips <c>[B,C,T,H,W]</c> (or <c>[B,T,C,H,W]</c> with <c>timeAxis: 1</c>). The
/// result's <see cref="CamResult.Maps"/> are <c>[B,T,H,W]</c> in [0,1] (T = 1 for images); dispose the result.</para>
/// </summary>
public sealed class GradCam
{
    GradCam(ModuleCamModel model, string layer, CamMethod method, TemporalWeighting weighting)
    {
        Model = model;
        Layer = layer;
        Engine = new CamEngine(model, method, weighting);
        model.Layer(layer); // a wrong name fails here, with the nearest valid names
    }

    /// <summary>Explains <paramref name="model"/> (one tensor in, one out: its output is "logits") at
    /// <paramref name="layer"/>.</summary>
    /// <param name="layout">null: inferred (5-D activation: volume; 4-D with B·T rows for a clip: per frame; 4-D:
    /// image).</param>
    /// <param name="timeAxis">a 5-D input's time axis: 2 for <c>[B,C,T,H,W]</c>, 1 for <c>[B,T,C,H,W]</c>.</param>
    public static GradCam For(nn.Module<Tensor, Tensor> model, string layer, CamMethod method = CamMethod.GradCam,
        TemporalWeighting weighting = TemporalWeighting.Global, ActivationLayout? layout = null, int timeAxis = 2) =>
        new(new ModuleCamModel(model, layout: layout, timeAxis: timeAxis), layer, method, weighting);

    /// <summary>Explains a model given as a <see cref="ModuleCamModel"/> (several outputs, several networks, a
    /// loss) with Grad-CAM, channels weighted globally; <see cref="With(CamMethod)"/> and
    /// <see cref="With(TemporalWeighting)"/> change either.</summary>
    public static GradCam For(ModuleCamModel model, string layer) =>
        new(model, layer, CamMethod.GradCam, TemporalWeighting.Global);

    /// <summary>The model as the engine sees it (its <see cref="ModuleCamModel.LayerNames"/> list every valid
    /// layer).</summary>
    public ModuleCamModel Model { get; }

    /// <summary>The explained layer's name.</summary>
    public string Layer { get; }

    /// <summary>The engine that makes the maps.</summary>
    public CamEngine Engine { get; }

    /// <summary>The same model and layer with another method.</summary>
    public GradCam With(CamMethod method) => new(Model, Layer, method, Engine.Weighting);

    /// <summary>The same model and layer with another temporal weighting.</summary>
    public GradCam With(TemporalWeighting weighting) => new(Model, Layer, Engine.Method, weighting);

    /// <summary>Maps for class <paramref name="classIndex"/> (its logit) in every sample of
    /// <paramref name="input"/>.</summary>
    public CamResult Explain(Tensor input, int classIndex) => Explain(input, new ClassTarget(classIndex));

    /// <summary>Maps for one target, the same for every sample of <paramref name="input"/>.</summary>
    public CamResult Explain(Tensor input, ICamTarget target) =>
        Explain(input, Enumerable.Repeat(target, (int)input.shape[0]).ToList());

    /// <summary>Maps for one target per sample (exactly as many targets as samples).</summary>
    public CamResult Explain(Tensor input, IReadOnlyList<ICamTarget> targets) => Engine.Explain(input, targets, Layer);

    /// <summary>Explains each sample for its predicted class (the model's largest "logits"), from the same forward
    /// pass.</summary>
    public CamResult Explain(Tensor input) => Engine.Explain(input, null, Layer);
}
