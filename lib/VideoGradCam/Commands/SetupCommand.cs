using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// The .NET half of <c>./workspace setup</c> (the script installs OS packages first): restores the local dotnet
/// tools and applies the TorchSharp native fix where the system's libstdc++ needs it. Idempotent.
/// </summary>
public static class SetupCommand
{
    public static readonly Verb Verb = new("setup", "prepare this machine: OS packages, build, notebook kernel (idempotent)", [], Run);

    static int Run(Args a)
    {
        var root = WorkspacePaths.Root();
        if (!ToolsRestored(root))
        {
            Console.WriteLine("setup: restoring dotnet local tools (dotnet-interactive, the notebook kernel)");
            var r = ExternalProcess.Run("dotnet", ["tool", "restore"], root);
            if (r.ExitCode != 0) { Console.Error.WriteLine(r.Output); return 1; }
        }
        else Console.WriteLine("setup: dotnet local tools already restored");
        Console.WriteLine("setup: " + RegisterJupyterKernel(root));

        foreach (var line in ApplyNativeFix(NativeLibraryFix.NuGetPackagesFolder(), WorkspacePaths.BuildOutput()))
            Console.WriteLine("setup: " + line);
        return 0;
    }

    static bool ToolsRestored(string root)
    {
        var r = ExternalProcess.Run("dotnet", ["tool", "run", "dotnet-interactive", "--", "--version"], root);
        return r.ExitCode == 0;
    }

    /// <summary>Registers dotnet-interactive as Jupyter's <c>.net-csharp</c> kernel (what Jupyter, nbconvert and the
    /// notebook runner start), once: <c>dotnet interactive jupyter install</c> when <c>jupyter kernelspec list</c> lacks it.</summary>
    static string RegisterJupyterKernel(string root)
    {
        ExternalProcess.Result list;
        try { list = ExternalProcess.Run("jupyter", ["kernelspec", "list", "--json"], root); }
        catch (FileNotFoundException)
        {
            return "jupyter not found: the notebooks run in VS Code (Polyglot Notebooks) but not headless; install Jupyter " +
                   "(Debian: apt-get install jupyter-nbconvert python3-nbclient) and run setup again (environment.md, 'Notebook kernels')";
        }
        if (list.ExitCode == 0 && list.Output.Contains($"\"{NotebookRunner.Kernel}\"", StringComparison.Ordinal))
            return $"Jupyter kernel {NotebookRunner.Kernel} already registered";
        var r = ExternalProcess.Run("dotnet", ["interactive", "jupyter", "install"], root);
        return r.ExitCode == 0
            ? $"registered the Jupyter kernel {NotebookRunner.Kernel} (dotnet interactive jupyter install)"
            : $"could not register the Jupyter kernel {NotebookRunner.Kernel}: {r.Output.Trim()}";
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
