using VideoGradCam.Models;

namespace VideoGradCam.Cam;

/// <summary>How one explanation is made: method, channel weighting over time, target layer (null: the model's
/// default).</summary>
public sealed record CamSettings(CamMethod Method = CamMethod.GradCam, TemporalWeighting? Weighting = null,
    string? Layer = null)
{
    /// <summary>The study's defaults: 3D nets weight channels globally (pytorch-grad-cam; time recovered by trilinear
    /// upsampling); per-frame CNNs get one set of weights per frame (the study's per-frame Grad-CAM).</summary>
    public TemporalWeighting WeightingFor(VideoClassifier model) =>
        Weighting ?? (ModelRegistry.Get(model.Architecture).Temporal.IsRecurrent ? TemporalWeighting.TimeResolved
            : TemporalWeighting.Global);

    /// <summary>The layer explained for <paramref name="model"/>: the given one, else the model's default.</summary>
    public string LayerFor(VideoClassifier model) => Layer ?? model.DefaultCamLayer;

    /// <summary>The method names <see cref="ParseMethod"/> reads.</summary>
    public const string MethodNames = "gradcam, gradcam++, hirescam, xgradcam, layercam";

    /// <summary>A method from its command-line spelling (<see cref="MethodNames"/>).</summary>
    public static CamMethod ParseMethod(string name) =>
        name.Trim().ToLowerInvariant().Replace("-", "").Replace("_", "") switch
    {
        "gradcam" => CamMethod.GradCam,
        "gradcam++" or "gradcamplusplus" or "gradcampp" => CamMethod.GradCamPlusPlus,
        "hirescam" => CamMethod.HiResCam,
        "xgradcam" => CamMethod.XGradCam,
        "layercam" => CamMethod.LayerCam,
        _ => throw new ArgumentException($"Unknown method '{name}': use {MethodNames}."),
    };

    /// <summary>A weighting from its command-line spelling (global, time).</summary>
    public static TemporalWeighting ParseWeighting(string name) => name.Trim().ToLowerInvariant() switch
    {
        "global" => TemporalWeighting.Global,
        "time" or "time-resolved" or "timeresolved" => TemporalWeighting.TimeResolved,
        _ => throw new ArgumentException($"Unknown weighting '{name}': use global or time."),
    };
}
