namespace VideoGradCam.Runtime;

/// <summary>
/// The one place that decides the profile. <c>quick</c>: CI and first contact, minutes on 2 cores.
/// <c>full</c>: the real figures, under 2 hours on 2 cores. Read from WORKSPACE_PROFILE (default quick).
/// </summary>
public enum Profile { Quick, Full }

public static class Profiles
{
    public const string EnvironmentVariable = "WORKSPACE_PROFILE";

    public static Profile Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "quick" => Profile.Quick,
        "full" => Profile.Full,
        _ => throw new ArgumentException($"Unknown profile '{text}': use quick or full."),
    };

    public static Profile FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } p ? Parse(p) : Profile.Quick;

    public static string Name(this Profile p) => p == Profile.Full ? "full" : "quick";
}
