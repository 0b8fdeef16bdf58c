using System.Text.RegularExpressions;
using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Runtime;

public class SetupTests
{
    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    [Fact]
    public void SetupOnAPreparedMachineChangesNothing()
    {
        // ./workspace test ran setup before the tests: a second run must only confirm.
        var r = ExternalProcess.Run("bash", [Path.Combine(Root, "workspace"), "setup"], Root,
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("OS packages present", r.Output);
        Assert.Contains("build up to date", r.Output);
        Assert.Contains("dotnet local tools already restored", r.Output);
        Assert.DoesNotMatch(new Regex("patched /"), r.Output);
        Assert.Contains("convolutions run as", r.Output);   // an explicit setup says the machine's verdict
        Assert.Contains("this machine's cached check", r.Output);
    }

    [Fact]
    public void AVerbOnAPreparedMachinePrintsNoSetupLine()
    {
        var r = ExternalProcess.Run("bash", [Path.Combine(Root, "workspace"), "check-convolutions"], Root,
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.DoesNotContain("setup:", r.Output);
        Assert.Contains("convolutions: ", r.Output);
    }

    [Fact]
    public void MissingDotnetSaysHowToInstallIt()
    {
        var r = ExternalProcess.Run("/bin/bash", [Path.Combine(Root, "workspace"), "reproduce"], Root,
            environment: new Dictionary<string, string> { ["PATH"] = "/nonexistent" });
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("Install the .NET 10 SDK", r.Output);
    }

    /// <summary>The bootstrap references its packages from code, as (name, version) pairs, the OpenCV runtime per
    /// operating system among them.</summary>
    [Fact]
    public void NotebookBootstrapPinsTheSamePackageVersionsAsTheBuild()
    {
        var props = File.ReadAllText(Path.Combine(Root, "Directory.Packages.props"));
        var pinned = Regex.Matches(props, "PackageVersion Include=\"([^\"]+)\" Version=\"([^\"]+)\"")
                          .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var bootstrap = File.ReadAllText(Path.Combine(Root, "notebooks", "bootstrap.dib"));
        var refs = Regex.Matches(bootstrap, "\\(\"([A-Za-z][A-Za-z0-9.-]*)\", \"([0-9][^\"]*)\"\\)")
                        .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.DoesNotMatch("(?m)^#r \"nuget:", bootstrap); // no package restored before the workspace is checked
        foreach (var (name, version) in refs)
        {
            if (name == "VideoGradCam.Core") continue;
            Assert.True(pinned.TryGetValue(name, out var expected), $"{name}: in bootstrap.dib, not pinned");
            Assert.True(version == expected,
                $"{name}: bootstrap.dib has {version}, Directory.Packages.props has {expected}");
        }
        foreach (var name in new[] { "TorchSharp-cpu", "TorchSharp.PyBridge", "OpenCvSharp4", "Plotly.NET",
                     "OpenCvSharp4.official.runtime.linux-x64", "OpenCvSharp4.runtime.win" })
            Assert.Contains(name, refs.Keys);
        // The Grad-CAM core package: the version its project packs, in the bootstrap and notebook 07.
        var project = Path.Combine(Root, "lib", "VideoGradCam.Core", "VideoGradCam.Core.csproj");
        var core = Regex.Match(File.ReadAllText(project),
            "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.Equal(core, refs["VideoGradCam.Core"]);
        Assert.Contains($"VideoGradCam.Core.{core}.nupkg", bootstrap);
        var notebook = File.ReadAllText(Path.Combine(Root, "notebooks", "07-your-own-model.ipynb"));
        Assert.Contains($"#r \\\"nuget: VideoGradCam.Core, {core}\\\"", notebook);
    }
}
