using TorchSharp;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>One clip's temporal attention beside its ground-truth relevant frames.</summary>
public sealed record ClipAttention(string Video, string Label, string Predicted, double[] Attention, bool[] Relevant)
{
    /// <summary>Share of the attention mass on the ground-truth relevant frames.</summary>
    public double RelevantShare => AttentionAgreement.RelevantShare(Attention, Relevant);
}

/// <summary>Where an attention model looks in time, clip by clip, against the synthetic set's ground truth.</summary>
public static class AttentionStudy
{
    public static IReadOnlyList<ClipAttention> Collect(string checkpoint, string dataRoot, string split = "test",
        int? maxClips = null)
    {
        var loaded = Checkpoint.Load(checkpoint);
        var model = loaded.Model;
        model.to(ComputeDevice.Default);
        model.eval();
        var items = ClassifierStudy.Split(VideoDataset.FromFolders(dataRoot))[split].Items;
        var sampler = ClassifierStudy.Sampler(loaded.Info.Data);
        var result = new List<ClipAttention>();
        foreach (var item in Progress.Over(items.Take(maxClips ?? int.MaxValue).ToList(), "attention on clips"))
        {
            using var scope = NewDisposeScope();
            using var clip = FrameSampler.Sample(item.Path, sampler, label: item.Label);
            using var _ = no_grad();
            var output = model.Outputs(clip.Frames.unsqueeze(0).to(ComputeDevice.Default)); // [1,C,T,H,W]
            var attention = output.Attention
                ?? throw new InvalidOperationException($"{checkpoint}: {model.Architecture} has no attention.");
            var weights = attention[0].to(float64).cpu().data<double>().ToArray();
            var predicted = (int)output.Logits.argmax(1).item<long>();
            var relevant = ClipAnnotation.ForVideo(item.Path).RelevanceAt(clip.FrameIndices);
            result.Add(new ClipAttention(item.Path, loaded.Info.ClassNames[item.Label],
                loaded.Info.ClassNames[predicted], weights, relevant));
        }
        model.Dispose();
        return result;
    }

    public static double MeanRelevantShare(IReadOnlyList<ClipAttention> clips) => clips.Average(c => c.RelevantShare);
}
