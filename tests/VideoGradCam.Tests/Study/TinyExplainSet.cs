using VideoGradCam.Models;
using VideoGradCam.Study;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Study;

/// <summary>A few short synthetic clips in class folders and a small untrained CNN-LSTM checkpoint for them: what
/// data-set explanation tests run on in seconds.</summary>
static class TinyExplainSet
{
    /// <returns>the checkpoint folder and the data folder, under <paramref name="dir"/>.</returns>
    public static (string Checkpoint, string Data) Create(string dir, int clipsPerClass = 3)
    {
        var data = Path.Combine(dir, "data");
        SyntheticActions.Generate(data, new SyntheticActionSettings
        {
            Classes = ["clap", "wave"], ClipsPerClass = clipsPerClass, Frames = 4, Size = 32,
        });
        using var model = VideoModels.Create(new VideoModelConfig(ModelRegistry.CnnLstm.Name, 2, 8));
        var weights = Path.Combine(dir, "m.pth");
        StateDictLoader.Save(model, weights);
        var checkpoint = PretrainedWeights.Import(ModelRegistry.CnnLstm.Name, weights, Path.Combine(dir, "ckpt"),
            ["clap", "wave"], DataSpec.ImageNet(4, 32, 32), width: 8);
        return (checkpoint, data);
    }
}
