using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// The .NET half of <c>./workspace setup</c> (the script installs OS packages first): restores the local dotnet
/// tools and applies the TorchSharp native fix where the system's libstdc++ needs it. Idempotent.
/// </summary>
public static class SetupCommand
{
    public static readonly Verb Verb = new("setup",
        "prepare this machine: OS packages, build, notebook kernel, the convolution check (idempotent)",
        [Opt.Flag("quiet", "print only what setup does (what ./workspace runs before every verb)")], Run);

    /// <summary>Prints a line for each thing it does; with --quiet nothing when there is nothing to do. The convolution
    /// verdict is always said by an explicit <c>./workspace setup</c>.</summary>
    static int Run(Args a)
    {
        bool quiet = a.Has("quiet");
        void Say(bool did, string line) { if (did || !quiet) Console.WriteLine("setup: " + line); }
        var root = WorkspacePaths.Root();
        if (!ToolsRestored(root))
        {
            Say(true, "restoring dotnet local tools (dotnet-interactive, the notebook kernel)");
            var r = ExternalProcess.Run("dotnet", ["tool", "restore"], root);
            if (r.ExitCode != 0) { Console.Error.WriteLine(r.Output); return 1; }
        }
        else Say(false, "dotnet local tools already restored");
        var (packed, core) = PackCore(root);
        Say(packed, core);
        var (registered, kernel) = RegisterJupyterKernel(root);
        Say(registered, kernel);
        foreach (var line in ApplyNativeFix(NativeLibraryFix.NuGetPackagesFolder(), WorkspacePaths.BuildOutput()))
            Say(line.Contains("patched", StringComparison.Ordinal), line);

        var (verdict, checkedNow) = CheckConvolutionsCommand.Check(force: false);
        Say(checkedNow, $"convolutions run as {verdict.Mode.Name()} " +
        $"({(checkedNow ? "checked now" : "this machine's cached check")}): {verdict.Reason}");
        if (!verdict.Passed)
            Console.Error.WriteLine(
                "setup: no way of running convolutions matched float64 on this CPU: results may be " +
                "wrong; see environment.md, 'NaN and the convolution check'");
        return 0;
    }

    static bool ToolsRestored(string root)
    {
        var r = ExternalProcess.Run("dotnet", ["tool", "run", "dotnet-interactive", "--", "--version"], root);
        return r.ExitCode == 0;
    }

    /// <summary>Packs the Grad-CAM core into <c>.build/packages</c>, the local package source the notebooks reference
    /// it from, when its package is missing or older than the core's Release build; NuGet's extracted copy of that
    /// version is dropped so that the next restore takes the new one. <c>./workspace</c> packs after its build, so
    /// this acts after <c>dotnet run -c Release --project lib/VideoGradCam.Cli -- setup</c> (macOS, Windows).</summary>
    static (bool Did, string Line) PackCore(string root)
    {
        var built = Path.Combine(WorkspacePaths.BuildOutput(), "bin", "VideoGradCam.Core", "release",
            "VideoGradCam.Core.dll");
        if (!File.Exists(built))
            return (true, "the Grad-CAM core has no Release build, which the notebooks load: run " +
                          "`dotnet run -c Release --project lib/VideoGradCam.Cli -- setup` (environment.md, 'Setup')");
        var packages = Path.Combine(WorkspacePaths.BuildOutput(), "packages");
        var packedAt = Directory.Exists(packages)
            ? Directory.EnumerateFiles(packages, "VideoGradCam.Core.*.nupkg").Select(File.GetLastWriteTimeUtc)
                .DefaultIfEmpty(DateTime.MinValue).Max()
            : DateTime.MinValue;
        if (packedAt >= File.GetLastWriteTimeUtc(built))
            return (false, "Grad-CAM core package up to date in .build/packages");
        var project = Path.Combine("lib", "VideoGradCam.Core", "VideoGradCam.Core.csproj");
        var r = ExternalProcess.Run("dotnet",
            ["pack", project, "-c", "Release", "--no-build", "-nologo", "-v", "quiet", "-o", packages], root);
        if (r.ExitCode != 0) return (true, $"could not pack the Grad-CAM core: {r.Output.Trim()}");
        var cached = Path.Combine(NativeLibraryFix.NuGetPackagesFolder(), "videogradcam.core");
        if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        return (true, "packed the Grad-CAM core into .build/packages (the notebooks reference it from there)");
    }

    /// <summary>Registers dotnet-interactive as Jupyter's <c>.net-csharp</c> kernel (what Jupyter, nbconvert and the
    /// notebook runner start), once: <c>dotnet interactive jupyter install</c> when <c>jupyter kernelspec list</c>
    /// lacks it.</summary>
    static (bool Did, string Line) RegisterJupyterKernel(string root)
    {
        ExternalProcess.Result list;
        try { list = ExternalProcess.Run("jupyter", ["kernelspec", "list", "--json"], root); }
        catch (FileNotFoundException)
        {
            return (true,
                "jupyter not found: the notebooks run in VS Code (Polyglot Notebooks) but not headless; install " +
                "Jupyter " +
                "(Debian: apt-get install jupyter-nbconvert python3-nbclient) and run setup again " +
                "(environment.md, 'Notebook kernels')");
        }
        if (list.ExitCode == 0 && list.Output.Contains($"\"{NotebookRunner.Kernel}\"", StringComparison.Ordinal))
            return (false, $"Jupyter kernel {NotebookRunner.Kernel} already registered");
        var r = ExternalProcess.Run("dotnet", ["interactive", "jupyter", "install"], root);
        return (true, r.ExitCode == 0
            ? $"registered the Jupyter kernel {NotebookRunner.Kernel} (dotnet interactive jupyter install)"
            : $"could not register the Jupyter kernel {NotebookRunner.Kernel}: {r.Output.Trim()}");
    }

    /// <summary>Patches every copy of libLibTorchSharp.so when (and only when) the system libstdc++ lacks the
    /// version.</summary>
    public static IEnumerable<string> ApplyNativeFix(string nugetPackages, string buildOutput,
        bool? systemHasVersion = null)
    {
        if (!OperatingSystem.IsLinux()) { yield return "TorchSharp native fix: not Linux, nothing to do"; yield break; }
        if (systemHasVersion ?? NativeLibraryFix.SystemLibStdCxxHasVersion())
        {
            yield return $"TorchSharp native fix: not needed (system libstdc++ has {NativeLibraryFix.MissingVersion})";
            yield break;
        }
        var copies = NativeLibraryFix.FindCopies(nugetPackages, buildOutput).ToList();
        if (copies.Count == 0) { yield return "TorchSharp native fix: no libLibTorchSharp.so found yet (restore first)";
            yield break; }
        foreach (var so in copies)
        {
            var outcome = NativeLibraryFix.Apply(so);
            yield return outcome == NativeLibraryFix.Outcome.Patched
                ? $"TorchSharp native fix: patched {so}"
                : $"TorchSharp native fix: already applied to {so}";
        }
    }
}
