namespace VideoGradCam.Runtime;

/// <summary>Where things live: the repository root (found from any folder inside it) and artifacts/.</summary>
public static class WorkspacePaths
{
    /// <summary>The folder holding Workspace.sln, searched upwards from <paramref name="start"/> (default: cwd, then
    /// this assembly).</summary>
    public static string Root(string? start = null)
    {
        foreach (var origin in new[] { start ?? Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(origin); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Workspace.sln"))) return d.FullName;
        }
        throw new DirectoryNotFoundException(
            "Cannot find the workspace root (the folder with Workspace.sln) above " +
            $"{start ?? Directory.GetCurrentDirectory()}.");
    }

    /// <summary>Study outputs; WORKSPACE_ARTIFACTS overrides.</summary>
    public static string Artifacts() =>
        Environment.GetEnvironmentVariable("WORKSPACE_ARTIFACTS") is { Length: > 0 } a ? a
            : Path.Combine(Root(), "artifacts");

    public static string Notebooks() => Path.Combine(Root(), "notebooks");

    public static string BuildOutput() => Path.Combine(Root(), ".build");

    /// <summary>The built CLI that <c>./workspace</c> runs (<c>dotnet workspace.dll VERB</c>).</summary>
    public static string Cli() => Path.Combine(BuildOutput(), "bin", "VideoGradCam.Cli", "release", "workspace.dll");

    /// <summary>Generated data (never in git).</summary>
    public static string GeneratedData() => Path.Combine(Root(), "data", "generated");
}
