using TorchSharp;
using TorchSharp.Modules;
using VideoGradCam.Models;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>
/// Every distinct convolution the study's models run in both profiles (the three classifiers at their clip sizes,
/// SfMLearner's DepthNet and PoseNet at their frame sizes), read from one forward pass of each model with a hook on
/// every convolution. What <see cref="ConvolutionCheck"/> checks on a machine.
/// </summary>
public static class StudyConvolutions
{
    /// <summary>Batch of the checked shapes: enough for oneDNN's batched kernels, small enough for a float64
    /// reference.</summary>
    public const long Batch = 2;

    public static IReadOnlyList<ConvolutionShape> Shapes()
    {
        var shapes = new Dictionary<string, ConvolutionShape>(StringComparer.Ordinal);
        foreach (var profile in new[] { Profile.Quick, Profile.Full })
        {
            foreach (var name in ClassifierSettings.StudyModels)
            {
                var s = ClassifierSettings.For(name, profile);
                using var model =
                    VideoModels.Create(new VideoModelConfig(name, 5, s.Width, s.HiddenSize, s.HiddenSize));
                Collect(model, shapes, () => model.call(zeros([Batch, 3, s.Frames, s.Size, s.Size])));
            }
            var frames = SyntheticOdometry.ForProfile(profile);
            var options = OdometryStudy.TrainingOptions(profile);
            using var sfm = new SfmLearner(new SfmSettings(options.SequenceLength, frames.Width, frames.Height,
                DepthWidth: options.DepthWidth));
            using var frame = zeros(Batch, 3, frames.Height, frames.Width);
            Collect(sfm.DepthNet, shapes, () => sfm.DepthNet.call(frame)[0]);
            var references = Enumerable.Range(0, options.SequenceLength - 1).Select(_ => frame).ToArray();
            Collect(sfm.PoseNet, shapes, () => sfm.PoseNet.call(frame, references).Pose);
        }
        return shapes.Values.ToList();
    }

    /// <summary>Identifies the shape set and the build of the check (the library's deterministic module version id):
    /// a verdict made for other shapes or by other code is stale.</summary>
    public static string Key(IReadOnlyList<ConvolutionShape> shapes) =>
        ConvolutionVerdict.Hash(string.Join('\n', shapes.Select(s => s.Key).Order(StringComparer.Ordinal)) +
                                typeof(ConvolutionCheck).Module.ModuleVersionId);

    static void Collect(nn.Module model, Dictionary<string, ConvolutionShape> shapes, Func<Tensor> run)
    {
        var hooks = new List<Action>();
        foreach (var m in model.modules())
            if (m is Convolution conv)
            {
                var hook = ((nn.Module<Tensor, Tensor>)conv).register_forward_hook((_, input, _) =>
                {
                    var shape = ConvolutionShape.Of(conv, input, Batch);
                    shapes.TryAdd(shape.Key, shape);
                    return null!;
                });
                hooks.Add(hook.remove);
            }
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.eval();
            run();
        }
        finally
        {
            foreach (var remove in hooks) remove();
        }
    }
}
