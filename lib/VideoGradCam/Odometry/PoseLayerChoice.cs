using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>One PoseNet encoder layer and the size of its activation (its Grad-CAM map's cells) at the model's input
/// size.</summary>
public sealed record PoseLayerSize(string Layer, int Height, int Width)
{
    public override string ToString() => $"{Layer} ({Width}×{Height})";
}

/// <summary>
/// Which PoseNet layer a regression Grad-CAM map is read at. The study's conv7 sits after seven stride-2 convs: one
/// cell at any input up to 128 pixels, so its map is flat. A map needs cells to rank; the deepest encoder conv whose
/// activation is at least <see cref="MinSide"/> cells in both directions keeps the most semantic layer that still has a
/// layout: conv3 (16×5) at the quick profile's 128×40, conv4 (13×4) at full's 208×64.
/// </summary>
public static class PoseLayerChoice
{
    /// <summary>The fewest cells a map must have in each direction.</summary>
    public const int MinSide = 4;

    /// <summary>Every encoder conv's activation size at the model's input size (<see cref="SfmSettings.Width"/> ×
    /// <see cref="SfmSettings.Height"/>, or the size given), shallow to deep: a PoseNet pass on a blank snippet per
    /// layer.</summary>
    public static IReadOnlyList<PoseLayerSize> Sizes(SfmLearner model, int? width = null, int? height = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int w = width ?? model.Settings.Width, h = height ?? model.Settings.Height;
        var poseNet = new Cam.ModuleCamModel([("pose", model.PoseNet)], input =>
        {
            var (target, references) = Snippet.Unstack(input);
            return new Dictionary<string, Tensor> { ["pose"] = model.PoseNet.call(target, references).Pose };
        });
        var snippet = zeros(1, 3 * (1 + model.PoseNet.ReferenceCount), h, w);
        return SfmCamModel.PoseEncoderLayers.Select(layer => poseNet.Forward(snippet, layer).Activation.shape)
            .Select((shape, i) => new PoseLayerSize(SfmCamModel.PoseEncoderLayers[i], (int)shape[2], (int)shape[3]))
                .ToList();
    }

    /// <summary>The deepest encoder conv whose map is at least <paramref name="minSide"/> cells high and wide at the
    /// model's input size (or the size given). A frame too small for even conv1 to qualify is refused.</summary>
    public static PoseLayerSize Deepest(SfmLearner model, int minSide = MinSide, int? width = null, int? height = null)
    {
        var sizes = Sizes(model, width, height);
        return sizes.LastOrDefault(l => l.Height >= minSide && l.Width >= minSide)
            ?? throw new ArgumentException(
                $"At {width ?? model.Settings.Width}×{height ?? model.Settings.Height} no PoseNet layer has a map of " +
                "at least " +
                $"{minSide}×{minSide} cells ({string.Join(", ", sizes)}): use larger " +
                "frames.");
    }
}
