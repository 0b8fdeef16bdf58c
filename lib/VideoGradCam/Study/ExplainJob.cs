namespace VideoGradCam.Study;

/// <summary>One video to explain: its path, its class folder, and where its files go
/// (<c>Folder/Name.json</c>, ...).</summary>
public sealed record ExplainJob(string Video, string Class, string Folder, string Name)
{
    /// <summary>The files' path without extension.</summary>
    public string Stem => Path.Combine(Folder, Name);
}
