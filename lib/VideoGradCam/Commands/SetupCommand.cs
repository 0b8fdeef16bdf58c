using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// The .NET half of <c>./workspace setup</c> (the script installs OS packages first): restores the local dotnet
/// tools and applies the TorchSharp native fix where the system's libstdc++ needs it. Idempotent.
/// </summary>
public static class SetupCommand
{
    public static readonly Verb Verb = new("setup", "setup", "prepare this machine (idempotent)", Run);

    static int Run(Args a)
    {
        a.EnsureAllUsed();
        var root = WorkspacePaths.Root();
        if (!ToolsRestored(root))
        {
            Console.WriteLine("setup: restoring dotnet local tools (dotnet-repl)");
            var r = ExternalProcess.Run("dotnet", ["tool", "restore"], root);
            if (r.ExitCode != 0) { Console.Error.WriteLine(r.Output); return 1; }
        }
        else Console.WriteLine("setup: dotnet local tools already restored");

        foreach (var line in ApplyNativeFix(NativeLibraryFix.NuGetPackagesFolder(), WorkspacePaths.BuildOutput()))
            Console.WriteLine("setup: " + line);
        return 0;
    }

    static bool ToolsRestored(string root)
    {
        var r = ExternalProcess.Run("dotnet", ["tool", "run", "dotnet-repl", "--", "--version"], root);
        return r.ExitCode == 0;
    }

    /// <summary>Patches every copy of libLibTorchSharp.so when (and only when) the system libstdc++ lacks the version.</summary>
    public static IEnumerable<string> ApplyNativeFix(string nugetPackages, string buildOutput, bool? systemHasVersion = null)
    {
        if (!OperatingSystem.IsLinux()) { yield return "TorchSharp native fix: not Linux, nothing to do"; yield break; }
        if (systemHasVersion ?? NativeLibraryFix.SystemLibStdCxxHasVersion())
        {
            yield return $"TorchSharp native fix: not needed (system libstdc++ has {NativeLibraryFix.MissingVersion})";
            yield break;
        }
        var copies = NativeLibraryFix.FindCopies(nugetPackages, buildOutput).ToList();
        if (copies.Count == 0) { yield return "TorchSharp native fix: no libLibTorchSharp.so found yet (restore first)"; yield break; }
        foreach (var so in copies)
        {
            var outcome = NativeLibraryFix.Apply(so);
            yield return outcome == NativeLibraryFix.Outcome.Patched
                ? $"TorchSharp native fix: patched {so}"
                : $"TorchSharp native fix: already applied to {so}";
        }
    }
}
