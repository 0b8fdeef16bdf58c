namespace VideoGradCam.Study;

/// <summary>One video of a data set explained: where it is, its class folder, where its files are
/// (<paramref name="Output"/>: the path without extension), the explained class, the prediction and the per-frame
/// importance.</summary>
public sealed record ExplainedVideo(string Video, string Class, string Output, string Target, string Predicted,
    double TargetProbability, double[] FrameImportance);
