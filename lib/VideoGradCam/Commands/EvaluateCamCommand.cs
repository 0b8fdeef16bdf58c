using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Cam;
using VideoGradCam.Runtime;
using VideoGradCam.Study;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace evaluate-cam</c>: every CAM metric of a checkpoint on the synthetic set's ground truth, as
/// JSON.</summary>
public static class EvaluateCamCommand
{
    public static readonly Verb Verb = new("evaluate-cam",
        "pointing game, energy in mask, temporal AUC, deletion/insertion, attention agreement, sanity check",
        [
            Opt.Required("checkpoint", "classifier checkpoint folder", "CKPT"),
            Opt.Required("data", "the synthetic action set (its masks are the ground truth)", "DIR"),
            Opt.Required("out", "the JSON written", "FILE"),
            Opt.Computed("methods", "CAM methods, comma-separated: " + string.Join(", ", CamSettings.MethodNames),
                "LIST", "the study's"),
            Opt.Value("split", "test, val, train or all", "SPLIT", "test"),
            Opt.Computed("max-clips", "evaluate at most this many clips", "N", "all"),
            Opt.Computed("layer", "the layer explained", "NAME", "the model's study layer"),
            Opt.Profile,
        ], Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var checkpoint = a.Required("checkpoint");
        var data = a.Required("data");
        var output = a.Required("out");
        var methods = a.Optional("methods");
        var defaults = CamEvaluationOptions.Study(profile);
        CamEvaluationOptions options;
        try
        {
            options = defaults with
            {
                Methods = methods is null ? defaults.Methods
                    : methods.Split(',').Select(m => (CamSettings.ParseMethod(m), (TemporalWeighting?)null)).ToList(),
                Split = a.String("split", "test"),
                MaxClips = a.Has("max-clips") ? a.Int("max-clips", 0) : null,
                Layer = a.Optional("layer"),
            };
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException(
            $"{checkpoint}: no such checkpoint folder.");
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"{data}: no such data folder.");
        var result = CamStudyEvaluations.Evaluate(checkpoint, data, options);
        result.Save(output);
        Console.WriteLine(
            $"evaluate-cam: {result.Architecture} at {result.Layer}, {result.Clips} clips, accuracy " +
            $"{result.Accuracy:P1}, mask area {result.MaskArea:P1}");
        Console.Write(CamStudyEvaluations.Table([result]));
        if (result.Attention is { } att)
            Console.WriteLine(
                $"attention: mass on relevant frames {att.MassOnRelevant:P1} (chance {att.ChanceMass:P1}), AUC " +
                $"{att.Auc:0.00}");
        Console.WriteLine($"evaluate-cam: written to {output}");
        return 0;
    }
}
