using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Runtime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

/// <summary>The Grad-CAM core is a NuGet package anyone can use: packed from the repository, restored by a console
/// program outside it that knows nothing of the workspace, it explains a TorchVision.NET resnet18 and gives the maps
/// the workspace gives.</summary>
[Collection(SeededCollection.Name)]
public class CorePackageTests(ITestOutputHelper output)
{
    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    static string CoreVersion() => Regex.Match(
        File.ReadAllText(Path.Combine(Root, "lib", "VideoGradCam.Core", "VideoGradCam.Core.csproj")),
        "<Version>([^<]+)</Version>").Groups[1].Value;

    const string Program = """
        using TorchSharp;
        using VideoGradCam.Cam;
        using static TorchSharp.torch;

        manual_seed(11);
        var model = torchvision.models.resnet18(num_classes: 10);
        using var images = randn([2, 3, 96, 128], generator: new Generator(3));
        using var cam = GradCam.For(model, "layer4").Explain(images);
        var targets = string.Join(",", cam.Targets.Select(t => ((ClassTarget)t).ClassIndex));
        var sums = string.Join(",", cam.Maps.sum([1, 2, 3]).data<float>().ToArray().Select(s => s.ToString("R")));
        Console.WriteLine($"shape {string.Join("x", cam.Maps.shape)} targets {targets} sums {sums}");
        """;

    [Fact]
    public void AProgramOutsideTheRepositoryRestoresThePackageAndExplainsATorchVisionResnet18()
    {
        // A version of its own, so NuGet's cache of the packages it restored before cannot stand in for this build.
        var version = $"{CoreVersion()}-test{Guid.NewGuid():N}"[..24];
        var dir = TestTemp.Dir("core-package");
        Assert.False(Path.GetFullPath(dir).StartsWith(Root, StringComparison.Ordinal));
        var packages = Path.Combine(dir, "packages");
        var packed = ExternalProcess.Run("dotnet", ["pack", Path.Combine(Root, "lib", "VideoGradCam.Core"),
            "-c", "Release", "--no-build", "-nologo", "-v", "quiet", "-o", packages, $"-p:Version={version}"], Root);
        Assert.True(packed.ExitCode == 0, packed.Output);

        var app = Path.Combine(dir, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration><packageSources><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="VideoGradCam.Core" Version="{version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
                <PackageReference Include="TorchVision" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } given ? given
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        try
        {
            var run = ExternalProcess.Run("dotnet", ["run", "-c", "Release", "-nologo"], app,
                timeout: TimeSpan.FromMinutes(10));
            output.WriteLine(run.Output);
            Assert.True(run.ExitCode == 0, run.Output);

            var line = Regex.Match(run.Output, @"shape (\S+) targets (\S+) sums (\S+)");
            Assert.True(line.Success, run.Output);
            Assert.Equal("2x1x96x128", line.Groups[1].Value);

            // The same model, input and default target in this process, through the workspace's build of the core.
            manual_seed(11);
            var model = torchvision.models.resnet18(num_classes: 10);
            using var images = randn([2, 3, 96, 128], generator: new Generator(3));
            using var cam = GradCam.For(model, "layer4").Explain(images);
            var targets = string.Join(",", cam.Targets.Select(t => ((ClassTarget)t).ClassIndex));
            Assert.Equal(targets, line.Groups[2].Value);
            var theirs = line.Groups[3].Value.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture));
            var ours = cam.Maps.sum([1, 2, 3]).data<float>().ToArray();
            foreach (var (a, b) in theirs.Zip(ours))
            {
                Assert.True(double.IsFinite(a) && a > 0, $"the program's map sums: {line.Groups[3].Value}");
                Assert.True(Math.Abs(a - b) <= 1e-3 * Math.Abs(b), $"map sum {a} (package) against {b} (workspace)");
            }
        }
        finally
        {
            // The test's version leaves NuGet's cache with the test.
            var restored = Path.Combine(cache, "videogradcam.core", version);
            if (Directory.Exists(restored)) Directory.Delete(restored, recursive: true);
        }
    }
}
