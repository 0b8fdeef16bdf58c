namespace VideoGradCam.Plots;

/// <summary>One explained clip as plain arrays, so that any thread can write its files without touching a
/// tensor.</summary>
/// <param name="Frames">the clip's frames <c>[T,H,W,3]</c>, RGB in [0,1]; empty when only the JSON record is written.
/// </param>
/// <param name="Maps">the maps <c>[T,H,W]</c> in [0,1]; empty when only the JSON record is written.</param>
/// <param name="Importance">per-frame share of map energy <c>[T]</c>.</param>
/// <param name="GradientImportance">per-frame share of the gradient's norm <c>[T]</c>.</param>
/// <param name="Attention">the model's attention weights <c>[T]</c>, when it has them.</param>
/// <param name="Outputs">the model's outputs for this clip (e.g. "logits"), flattened.</param>
/// <param name="Record">more fields of the JSON record (e.g. video, class, target, predicted).</param>
public sealed record ExplanationData(string Title, int T, int H, int W, float[] Frames, float[] Maps,
    float[] Importance, float[] GradientImportance, float[]? Attention, IReadOnlyDictionary<string, float[]> Outputs,
    IReadOnlyList<int>? SourceFrames = null, IReadOnlyDictionary<string, object?>? Record = null)
{
    /// <summary>The frame where the map holds most of its energy (the first such frame): the thumbnail.</summary>
    public int TopFrame
    {
        get
        {
            int top = 0;
            for (int t = 1; t < Importance.Length; t++) if (Importance[t] > Importance[top]) top = t;
            return top;
        }
    }

    /// <summary>The map blended over the frames: RGB bytes <c>[T,H,W,3]</c> (see
    /// <see cref="CamOverlay.Blend(float[], float[], double)"/>).</summary>
    public byte[] Overlays(double alpha = 0.5) => CamOverlay.Blend(Frames, Maps, alpha);
}
